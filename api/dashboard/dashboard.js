// The supervisors' dashboard (督查看板). Plain browser script, no dependencies: it reads the
// keyflow API with the person's session (or a machine's token kept in sessionStorage), renders
// with DOM nodes and text only (never HTML from data), draws the rankings with the bundled Apache
// ECharts (SVG renderer) and the county light bars as inline SVG, and refreshes every 60 seconds.
(function () {
  'use strict';

  var TOKEN_KEY = 'keyflow.dashboard.token';
  // Only a hint that a session cookie exists (the cookie itself is HttpOnly): spares a 401 on a first visit.
  var PERSON_KEY = 'keyflow.dashboard.person';
  var REFRESH_MS = 60000;
  var SVG = 'http://www.w3.org/2000/svg';

  var STAGES = {
    conceived: '谋划', reserve: '储备', preliminary: '前期', started: '新开工',
    underConstruction: '在建', completed: '竣工', inProduction: '投产', withdrawn: '退库',
  };
  var REVIEW_STAGES = {
    landUsePlanning: '立项用地规划许可', engineeringPermit: '工程建设许可',
    constructionPermit: '施工许可', completionAcceptance: '竣工验收',
  };
  var LIGHTS = { green: '绿灯', yellow: '黄灯', red: '红灯' };
  var STALL_REASONS = { noReport: '月报逾期', noStageChange: '阶段无进展' };
  var APPROVALS = { notStarted: '未开始', inReview: '审批中', approved: '已通过', rejected: '未通过，待重新申请', withdrawn: '已随项目退库撤销' };

  var reference = null;
  var whoDepartment = null;
  var timer = null;

  // ---- small helpers ---------------------------------------------------------------------------

  function $(id) { return document.getElementById(id); }

  /** An element with attributes and children (strings become text nodes). */
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    setAttrs(node, attrs);
    append(node, children);
    return node;
  }

  function svg(tag, attrs, children) {
    var node = document.createElementNS(SVG, tag);
    setAttrs(node, attrs);
    append(node, children);
    return node;
  }

  function setAttrs(node, attrs) {
    if (!attrs) return;
    Object.keys(attrs).forEach(function (k) {
      var v = attrs[k];
      if (v === undefined || v === null || v === false) return;
      if (k === 'text') node.textContent = String(v);
      else node.setAttribute(k, String(v));
    });
  }

  function append(node, children) {
    if (children === undefined || children === null) return;
    (Array.isArray(children) ? children : [children]).forEach(function (c) {
      if (c === undefined || c === null || c === false) return;
      node.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
    });
  }

  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }

  function fill(node, children) { clear(node); append(node, children); }

  /** A calendar date as given (`2026-12-07`), or an instant's day on Shanghai's clock (the UTC day can be the day before). */
  function date(iso) {
    if (!iso) return '—';
    return /^\d{4}-\d{2}-\d{2}$/.test(String(iso)) ? String(iso) : dateTime(iso).slice(0, 10);
  }

  var SHANGHAI = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

  /** `2026-12-07 09:00`, on Shanghai's clock, as the offices write it. */
  function dateTime(iso) {
    if (!iso) return '—';
    var parts = {};
    SHANGHAI.formatToParts(new Date(iso)).forEach(function (p) { parts[p.type] = p.value; });
    return parts.year + '-' + parts.month + '-' + parts.day + ' ' + parts.hour + ':' + parts.minute;
  }

  function daysSince(iso) { return Math.max(0, Math.floor((Date.now() - Date.parse(iso)) / 86400000)); }

  function percent(x) { return x === null || x === undefined ? '—' : (Math.round(x * 1000) / 10) + '%'; }

  function countyName(id) {
    var c = reference && reference.counties.find(function (x) { return x.id === id; });
    return c ? c.name : id;
  }

  function departmentName(id) {
    var d = reference && reference.departments.find(function (x) { return x.id === id; });
    return d ? d.name : id;
  }

  function light(level) {
    return el('span', { class: 'light light-' + level, title: level }, LIGHTS[level] || level);
  }

  /** A stall's detail as people read it: the stage by its Chinese name, the English gloss left out. */
  function stallDetail(text) {
    return String(text || '').replace(/\s*\((no stage change|no report)[^)]*\)\s*$/, '').replace(/\b(conceived|reserve|preliminary|started|underConstruction|completed|inProduction)\b/g, function (id) { return STAGES[id] || id; });
  }

  function note(text, cls) { return el('p', { class: cls || 'empty' }, text); }

  function projectLink(code, label) {
    return el('a', { href: '#/projects/' + encodeURIComponent(code), class: 'project-link', 'data-code': code }, label || code);
  }

  /** A table that becomes one card per row on a phone (labels from data-label). */
  function table(columns, rows, rowAttrs) {
    var head = el('thead', null, el('tr', null, columns.map(function (c) { return el('th', { scope: 'col' }, c.title); })));
    var body = el('tbody', null, rows.map(function (row) {
      return el('tr', rowAttrs ? rowAttrs(row) : null, columns.map(function (c) {
        return el('td', { 'data-label': c.title }, el('div', { class: 'cell' }, c.cell(row)));
      }));
    }));
    return el('div', { class: 'table-wrap' }, el('table', { class: 'rows' }, [head, body]));
  }

  // ---- the API ---------------------------------------------------------------------------------

  function token() { return sessionStorage.getItem(TOKEN_KEY); }

  /** A machine's token when one was entered; a person's session cookie otherwise (sent by the browser). */
  function headers(extra) {
    var h = extra || {};
    if (token()) h.authorization = 'Bearer ' + token();
    return h;
  }

  function request(path, init) {
    return fetch(path, Object.assign({ credentials: 'same-origin', cache: 'no-store' }, init, { headers: headers(init && init.headers) }));
  }

  function ApiError(status, body) {
    this.status = status;
    this.body = body || {};
    this.message = (body && body.message) || ('HTTP ' + status);
  }

  function api(path) {
    return request(path, { headers: { accept: 'application/json' } }).then(function (res) {
      return res.json().catch(function () { return null; }).then(function (body) {
        if (res.status === 401 && signedIn) { signOut(token() ? '令牌无效或已撤销，请重新输入。' : '登录已失效，请重新登录。'); }
        if (!res.ok) throw new ApiError(res.status, body);
        return body;
      });
    });
  }

  /** Every item of a list endpoint, page by page (bounded). */
  function all(path, limit) {
    var items = [];
    function page(cursor, n) {
      var sep = path.indexOf('?') >= 0 ? '&' : '?';
      var url = path + sep + 'limit=' + (limit || 200) + (cursor ? '&cursor=' + encodeURIComponent(cursor) : '');
      return api(url).then(function (p) {
        items = items.concat(p.items);
        return p.nextCursor && n < 20 ? page(p.nextCursor, n + 1) : items;
      });
    }
    return page(null, 1);
  }

  function failure(err) {
    if (err && err.status === 403) return note('当前账号无权查看此内容。', 'warn');
    if (err && err.status === 404) return note('暂无数据。');
    return note('加载失败：' + (err && err.message ? err.message : String(err)), 'warn');
  }

  // ---- the board -------------------------------------------------------------------------------

  function renderStalled(items) {
    $('stalled-count').textContent = String(items.length);
    if (items.length === 0) return note('没有停滞项目 No project is stalled.');
    return table([
      { title: '项目 Project', cell: function (p) { return [projectLink(p.code, p.name), el('div', { class: 'code' }, p.code)]; } },
      { title: '县区 County', cell: function (p) { return p.countyName; } },
      { title: '阶段 Stage', cell: function (p) { return STAGES[p.stage] || p.stage; } },
      { title: '原因 Reason', cell: function (p) { return [STALL_REASONS[p.stall.reason] || p.stall.reason, el('div', { class: 'detail' }, stallDetail(p.stall.detail))]; } },
      { title: '停滞 Since', cell: function (p) { return date(p.stall.since) + ' · ' + daysSince(p.stall.since) + ' 天'; } },
      { title: '督办单 Order', cell: function (p) { return [p.stall.order.id, el('div', { class: 'detail' }, '限期 due ' + (p.stall.order.dueDate || '待定 pending calendar'))]; } },
      { title: '牵头 Lead', cell: function (p) { return departmentName(p.leadDepartment); } },
    ], items, function (p) { return { 'data-code': p.code, class: 'stalled-row' }; });
  }

  /** Overdue approvals counted per key (a department, a county): the most first, then the longest overdue. */
  function groupOverdue(items, keyOf, nameOf) {
    var groups = {};
    items.forEach(function (i) {
      var k = keyOf(i);
      var g = groups[k] || (groups[k] = { key: k, name: nameOf(i), count: 0, projects: {}, worst: 0 });
      g.count += 1;
      g.projects[i.projectCode] = true;
      if (i.workingDaysLeft !== null && -i.workingDaysLeft > g.worst) g.worst = -i.workingDaysLeft;
    });
    return Object.keys(groups).map(function (k) { return groups[k]; })
      .sort(function (a, b) { return (b.count - a.count) || (b.worst - a.worst) || (a.key < b.key ? -1 : 1); });
  }

  function overdueGroups(title, column, testid, groups) {
    return el('div', { class: 'group', 'data-testid': testid }, [
      el('h3', null, title),
      table([
        { title: column, cell: function (g) { return g.name; } },
        { title: '超时事项', cell: function (g) { return g.count + ' 件'; } },
        { title: '涉及项目', cell: function (g) { return Object.keys(g.projects).length + ' 个'; } },
        { title: '最长超时', cell: function (g) { return g.worst + ' 个工作日'; } },
      ], groups, function (g) { return { 'data-group': g.key, 'data-count': g.count }; }),
    ]);
  }

  function renderOverdue(items) {
    $('overdue-count').textContent = String(items.length);
    // The groups and the detail need the board's whole width; an empty card keeps its half beside the county lights.
    $('overdue-card').classList.toggle('wide', items.length > 0);
    if (items.length === 0) return note('没有超时审批 No approval is overdue.');
    return [
      el('div', { class: 'groups' }, [
        overdueGroups('按部门统计', '部门', 'overdue-by-department', groupOverdue(items, function (i) { return i.department; }, function (i) { return departmentName(i.department); })),
        overdueGroups('按县区统计', '县区', 'overdue-by-county', groupOverdue(items, function (i) { return i.county; }, function (i) { return countyName(i.county); })),
      ]),
      el('h3', null, '超时明细'),
      table([
      { title: '项目 Project', cell: function (i) { return [projectLink(i.projectCode, i.projectName), el('div', { class: 'code' }, i.projectCode)]; } },
      { title: '环节 Stage', cell: function (i) { return REVIEW_STAGES[i.stageId] || i.stageId; } },
      { title: '部门 Department', cell: function (i) { return departmentName(i.department); } },
      { title: '时限 Deadline', cell: function (i) { return date(i.deadlineDate); } },
      { title: '县区 County', cell: function (i) { return countyName(i.county); } },
      { title: '超时 Overdue', cell: function (i) { return i.workingDaysLeft === null ? '—' : (-i.workingDaysLeft) + ' 个工作日'; } },
    ], items, function (i) { return { 'data-code': i.projectCode, 'data-department': i.department, 'data-county': i.county }; }),
    ];
  }

  var ORDER_STATES = { open: '办理中', overdue: '已逾期', closed: '已办结' };

  function renderOrders(items) {
    var open = items.filter(function (o) { return o.state !== 'closed'; });
    $('orders-count').textContent = String(open.length);
    if (items.length === 0) return note('没有督办单 No supervision order.');
    return table([
      { title: '督办单 Order', cell: function (o) { return [o.id, el('div', { class: 'detail' }, o.origin === 'automatic' ? '停滞自动督办' : '人工督办')]; } },
      { title: '项目 Project', cell: function (o) { return [projectLink(o.project.code, o.project.name), el('div', { class: 'code' }, o.project.code)]; } },
      { title: '县区 County', cell: function (o) { return o.project.countyName; } },
      { title: '事由 Reason', cell: function (o) { return stallDetail(o.reason); } },
      { title: '截止 Due', cell: function (o) { return o.dueDate || '待定'; } },
      { title: '状态 State', cell: function (o) { return el('span', { class: 'state state-' + o.state }, ORDER_STATES[o.state] || o.state); } },
    ], items, function (o) { return { 'data-order': o.id, 'data-state': o.state }; });
  }

  var MEETING_STATES = { planned: '筹备中', agendaSent: '议程已发送', inSession: '会议进行中（可记录议定事项）', concluded: '已结束', skipped: '本周顺延合并' };
  var CATEGORIES = { stalled: '停滞项目', redWarning: '红灯预警', overdueApproval: '审批超时', openProblem: '存在问题', followUp: '督办事项' };

  /** The next meeting as it stands: its date (moved for holidays), the agenda now, the documents to print. */
  function renderMeeting(view) {
    var p = view.plan;
    return [
      el('p', { 'data-testid': 'meeting-when' }, [el('strong', null, p.meetingDate + ' ' + dateTime(p.meetingAt).slice(11)), '（' + p.week + '）· ' + (MEETING_STATES[view.status] || view.status),
        p.moved ? el('span', { class: 'detail' }, ' · 因节假日由 ' + p.nominalDate + ' 顺延') : null, p.provisional ? el('span', { class: 'detail' }, ' · 暂定') : null]),
      el('p', { class: 'detail' }, view.agendaCompiledAt ? '议程编制于 ' + dateTime(view.agendaCompiledAt) + (view.status === 'planned' ? '（草稿，首次提醒时重新编制）' : '') : '议程尚未编制'),
      view.agenda.length === 0 ? note('本周暂无议题 No subject yet.') : table([
        { title: '类别 Category', cell: function (i) { return CATEGORIES[i.category] || i.category; } },
        { title: '项目 Project', cell: function (i) { return projectLink(i.project.code, i.project.name); } },
        { title: '情况 Why', cell: function (i) { return i.why; } },
        { title: '责任单位 Owner', cell: function (i) { return i.department.name + (i.leader ? ' · ' + i.leader : ''); } },
      ], view.agenda),
      renderReminders(view.reminders || [], p),
      el('p', null, [
        el('button', { type: 'button', class: 'export', 'data-document': 'agenda', 'data-week': p.week }, '下载议程 .docx'),
        el('button', { type: 'button', class: 'export', 'data-document': 'minutes', 'data-week': p.week }, '下载会议纪要 .docx'),
      ]),
    ];
  }

  var ROUNDS = { first: '首次提醒', final: '会前提醒' };

  /** Who was reminded of the meeting, and when: the reminders keyflow handed to the reminder channel. */
  function renderReminders(items, plan) {
    if (items.length === 0) {
      var due = Date.now() < Date.parse(plan.firstReminderAt);
      return el('p', { class: 'detail', 'data-testid': 'meeting-reminders' }, due
        ? '尚未发送提醒；首次提醒 ' + dateTime(plan.firstReminderAt) + '，会前提醒 ' + dateTime(plan.finalReminderAt)
        : '本次会议没有发送提醒的记录（会议在提醒时间之后才筹备，或提醒早于记录功能）');
    }
    return el('div', { 'data-testid': 'meeting-reminders' }, [
      el('h3', null, '已发提醒 Reminders sent（' + items.length + '）'),
      table([
        { title: '轮次 Round', cell: function (r) { return ROUNDS[r.round] || r.round; } },
        { title: '接收方 To', cell: function (r) { return r.recipient.name + (r.recipient.kind === 'leader' ? '（领导）' : ''); } },
        { title: '议题 Items', cell: function (r) { return r.items + ' 项'; } },
        { title: '时间 Time', cell: function (r) { return dateTime(r.sendAt) + (r.late ? ' · 迟发' : ''); } },
      ], items),
    ]);
  }

  function download(url, fallbackName, button) {
    button.disabled = true;
    return request(url).then(function (res) {
      if (!res.ok) throw new ApiError(res.status, null);
      var header = res.headers.get('content-disposition') || '';
      var m = /filename\*=UTF-8''([^;]+)/.exec(header);
      var name = m ? decodeURIComponent(m[1]) : fallbackName;
      return res.blob().then(function (blob) {
        var a = el('a', { href: URL.createObjectURL(blob), download: name });
        document.body.appendChild(a);
        a.click();
        setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
      });
    }).catch(function (err) { alert('下载失败：' + (err && err.message ? err.message : String(err))); })
      .then(function () { button.disabled = false; });
  }

  /** Downloads a list as .xlsx: fetched with the token, saved under the name the API gives. */
  function exportList(list, button) {
    return download('/supervision/exports/' + list, list + '.xlsx', button);
  }

  function renderCounty(id, items) {
    var running = items.filter(function (p) { return String(p.status).toUpperCase() === 'RUNNING'; });
    return [
      el('h1', null, countyName(id) + ' · 在库项目'),
      running.length === 0 ? note('没有在建项目 No running project.') : table([
        { title: '项目 Project', cell: function (p) { return [projectLink(p.code, p.name || p.code), el('div', { class: 'code' }, p.code)]; } },
        { title: '阶段 Stage', cell: function (p) { return STAGES[p.stage] || p.stage; } },
        { title: '预警 Light', cell: function (p) { return [light(p.warning), p.stalled ? el('span', { class: 'n-stalled' }, ' 停滞') : null]; } },
        { title: '完成率 Rate', cell: function (p) { return percent(p.completionRate); } },
        { title: '距上次月报 Since report', cell: function (p) { return p.daysSinceReport === null ? '—' : p.daysSinceReport + ' 天'; } },
      ], running.slice().sort(function (a, b) { var o = { red: 0, yellow: 1, green: 2 }; return (o[a.warning] - o[b.warning]) || (a.code < b.code ? -1 : 1); }), function (p) { return { 'data-code': p.code, 'data-light': p.warning }; }),
    ];
  }

  // ---- a department's inbox (待办) and its actions ------------------------------------------------

  var ITEM_STATES = { open: '办理中', overdue: '已超时', returned: '退回补正（计时暂停）' };
  var ACTIONS = { approve: '通过', returnForSupplement: '退回补正', approveWithMissing: '容缺受理', reject: '不予许可' };

  function left(i) {
    // A returned task's days left are frozen at the return (the clock stands still until the supplement).
    if (i.status === 'returned') return '计时暂停，退回时剩 ' + (i.workingDaysLeft === null ? '—' : i.workingDaysLeft) + ' 个工作日';
    if (i.workingDaysLeft === null) return '待定';
    return i.workingDaysLeft < 0 ? '超时 ' + (-i.workingDaysLeft) + ' 个工作日' : i.workingDaysLeft === 0 ? '今日到期' : '剩 ' + i.workingDaysLeft + ' 个工作日';
  }

  /** Approve, reject, return naming the missing materials, or approve with them missing (容缺) and a due date; each with a reason. */
  function actionForm(i) {
    var action = el('select', { name: 'action' }, Object.keys(ACTIONS).map(function (a) { return el('option', { value: a }, ACTIONS[a]); }));
    var reason = el('textarea', { name: 'reason', rows: 2, placeholder: '理由（退回、容缺、不予许可时必填）' });
    var materials = (i.materials || []).map(function (m) {
      return el('label', { class: 'material' }, [el('input', { type: 'checkbox', name: 'missing', value: m }), ' ' + m]);
    });
    var days = el('input', { name: 'days', type: 'number', min: 1, max: 60, placeholder: '默认' });
    var missingBox = el('fieldset', { class: 'missing', hidden: true }, [el('legend', null, '缺少的材料（一次性告知）')].concat(materials.length ? materials : [note('无材料清单')]));
    var daysBox = el('label', { class: 'days', hidden: true }, ['容缺补交时限（工作日）', days]);
    var error = el('p', { class: 'error', role: 'alert' });
    var form = el('form', { class: 'order-form task-form', 'data-testid': 'task-action' }, [el('label', null, ['办理', action]), missingBox, daysBox, el('label', null, ['理由', reason]), el('button', { type: 'submit' }, '提交'), error]);
    function toggle() {
      missingBox.hidden = !(action.value === 'returnForSupplement' || action.value === 'approveWithMissing');
      daysBox.hidden = action.value !== 'approveWithMissing';
    }
    action.addEventListener('change', toggle);
    form.addEventListener('submit', function (e) {
      e.preventDefault();
      var missing = Array.prototype.filter.call(form.querySelectorAll('input[name=missing]'), function (c) { return c.checked; }).map(function (c) { return c.value; });
      var body = { requestId: requestId('web-task'), action: action.value };
      if (reason.value.trim()) body.reason = reason.value.trim();
      if (!missingBox.hidden && missing.length) body.missingMaterials = missing;
      if (!daysBox.hidden && days.value) body.followUpWorkingDays = Number(days.value);
      post('/projects/' + encodeURIComponent(i.projectCode) + '/reviews/' + i.stageId + '/tasks/' + i.department + '/actions', body)
        .then(function () { return load(); }, function (err) { error.textContent = err.message; });
    });
    return form;
  }

  function renderInbox(items) {
    $('inbox-count').textContent = String(items.length);
    if (items.length === 0) return note('没有待办 Nothing to do.');
    return table([
      { title: '项目 Project', cell: function (i) { return [projectLink(i.projectCode, i.projectName), el('div', { class: 'code' }, i.projectCode + ' · ' + countyName(i.county))]; } },
      { title: '环节 Stage', cell: function (i) { return [REVIEW_STAGES[i.stageId] || i.stageId, i.kind === 'followUp' ? el('div', { class: 'detail' }, '容缺补交跟踪') : null]; } },
      { title: '状态 State', cell: function (i) { return el('span', { class: 'state state-' + i.status }, ITEM_STATES[i.status] || i.status); } },
      { title: '期限 Deadline', cell: function (i) { return [i.deadlineDate + (i.provisional ? '（暂定）' : ''), el('div', { class: 'detail' }, left(i))]; } },
      { title: '材料 Materials', cell: function (i) { return (i.missingMaterials && i.missingMaterials.length ? '缺：' + i.missingMaterials.join('、') : (i.materials || []).join('、')) || '—'; } },
      { title: '办理 Act', cell: function (i) { return i.kind === 'task' && i.status !== 'returned' ? actionForm(i) : i.status === 'returned' ? '待一窗受理补正后重新提交' : '待申请人补交'; } },
    ], items, function (i) { return { 'data-code': i.projectCode, 'data-stage': i.stageId, 'data-status': i.status }; });
  }

  function loadInbox() {
    var body = $('inbox-body');
    return all('/departments/' + encodeURIComponent(whoDepartment) + '/inbox').then(function (items) { fill(body, renderInbox(items)); }, function (err) { fill(body, failure(err)); });
  }

  function loadCounty(id) {
    var body = $('county-body');
    return all('/projects?county=' + encodeURIComponent(id)).then(function (items) { fill(body, renderCounty(id, items)); }, function (err) { fill(body, failure(err)); });
  }

  function renderWarnings(grid) {
    return el('div', { class: 'tiles' }, grid.counties.map(function (c) {
      var w = 120;
      var total = c.total || 1;
      var x = 0;
      var bars = ['green', 'yellow', 'red'].map(function (level) {
        var width = c.total ? (c[level] / total) * w : 0;
        var r = svg('rect', { x: x, y: 0, width: width, height: 10, class: 'fill-' + level });
        x += width;
        return r;
      });
      if (!c.total) bars.push(svg('rect', { x: 0, y: 0, width: w, height: 10, class: 'fill-none' }));
      return el('a', { class: 'tile' + (c.red ? ' has-red' : ''), 'data-county': c.county, href: '#/counties/' + encodeURIComponent(c.county), title: '查看' + c.name + '的项目' }, [
        el('div', { class: 'tile-name' }, c.name),
        el('div', { class: 'tile-total' }, c.total + ' 个项目'),
        svg('svg', { viewBox: '0 0 ' + w + ' 10', class: 'stack', role: 'img', 'aria-label': c.green + ' green, ' + c.yellow + ' yellow, ' + c.red + ' red' }, bars),
        el('div', { class: 'tile-counts' }, [
          el('span', { class: 'n-green' }, '绿 ' + c.green), ' ',
          el('span', { class: 'n-yellow' }, '黄 ' + c.yellow), ' ',
          el('span', { class: 'n-red' }, '红 ' + c.red),
          c.stalled ? el('span', { class: 'n-stalled' }, ' · 停滞 ' + c.stalled) : null,
        ]),
      ]);
    }));
  }

  // ---- rankings, drawn with Apache ECharts (bundled: /dashboard/echarts.min.js, SVG renderer) ----

  var BAR = '#3b6ea8';
  var BAR_TOP = '#b3261e';
  var INK = '#1d2430';
  var MUTED = '#5b6576';
  var LINE = '#dfe3ea';
  var FONT = 'system-ui, "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", "WenQuanYi Micro Hei", sans-serif';

  /** Frees the charts drawn in `target` before its content is replaced (ECharts keeps listeners and timers per chart). */
  function disposeCharts(target) {
    if (!window.echarts) return;
    Array.prototype.forEach.call(target.querySelectorAll('.echart'), function (node) {
      var chart = window.echarts.getInstanceByDom(node);
      if (chart) chart.dispose();
    });
  }

  /**
   * A ranking as a horizontal bar chart, rank 1 on top: rows of { rank, label, value, extra }.
   * The chart node goes into the page first and is drawn after (ECharts measures its container).
   * A long Chinese name wraps onto a second line instead of being cut off, the label column
   * never taking more than about 45% of the width, so a phone keeps room for the bars.
   */
  function rankingChart(opts) {
    var node = el('div', { class: 'echart', role: 'img', 'aria-label': opts.title, 'data-testid': 'ranking-chart', 'data-rows': opts.rows.length });
    var longest = opts.rows.reduce(function (n, r) { return Math.max(n, String(r.rank + '. ' + r.label).length); }, 0);
    node.draw = function () {
      if (!window.echarts) { fill(node, note('图表库未加载，排名如下：' + opts.rows.map(function (r) { return r.rank + '. ' + r.label + ' ' + r.value; }).join('；'), 'warn')); return; }
      var width = node.clientWidth || 320;
      var labelWidth = Math.min(Math.round(width * 0.45), longest * 13 + 4);
      var wraps = longest * 13 + 4 > labelWidth;
      var rowHeight = wraps ? 40 : 28;
      node.style.height = (opts.rows.length * rowHeight + 36) + 'px';
      var chart = window.echarts.getInstanceByDom(node) || window.echarts.init(node, null, { renderer: 'svg', locale: 'ZH' });
      chart.setOption({
        animation: false,
        textStyle: { fontFamily: FONT },
        grid: { left: 4, right: 48, top: 4, bottom: 24, outerBoundsMode: 'same', outerBoundsContain: 'axisLabel' },
        // Drawn inside the SVG as text: an HTML tooltip would put data into innerHTML and inline styles the CSP refuses.
        tooltip: { trigger: 'item', confine: true, renderMode: 'richText', formatter: function (p) { var r = opts.rows[p.dataIndex]; return r.rank + '. ' + r.label + '：' + r.value + (r.extra ? '（' + r.extra + '）' : ''); } },
        xAxis: { type: 'value', min: 0, max: opts.max > 0 ? opts.max : null, axisLabel: { color: MUTED, fontSize: 11 }, splitLine: { lineStyle: { color: LINE } } },
        yAxis: {
          type: 'category', inverse: true,
          data: opts.rows.map(function (r) { return r.rank + '. ' + r.label; }),
          axisTick: { show: false }, axisLine: { lineStyle: { color: LINE } },
          axisLabel: { color: INK, fontSize: 12, width: labelWidth, overflow: 'break', lineHeight: 15, interval: 0 },
        },
        series: [{
          type: 'bar', barMaxWidth: 18,
          data: opts.rows.map(function (r, i) { return { value: r.value, itemStyle: { color: i === 0 ? BAR_TOP : BAR, borderRadius: [0, 3, 3, 0] } }; }),
          label: { show: true, position: 'right', color: MUTED, fontSize: 12 },
        }],
      }, true);
      chart.resize();
    };
    return node;
  }

  /** Fills a figure and draws the charts in it once they are in the page. */
  function fillChart(target, children) {
    disposeCharts(target);
    fill(target, children);
    Array.prototype.forEach.call(target.querySelectorAll('.echart'), function (node) { if (node.draw) node.draw(); });
  }

  function fourCompareChart(check) {
    var rows = check.result.counties.map(function (c) {
      return { rank: c.rank, label: c.name, value: c.total, extra: c.rankChange === null ? '' : (c.rankChange > 0 ? '上升 ' + c.rankChange + ' 位' : c.rankChange < 0 ? '下降 ' + (-c.rankChange) + ' 位' : '名次不变') };
    });
    return rankingChart({ title: '四比四看 ' + check.period + ' 县区排名', rows: rows, max: check.result.maxPoints });
  }

  /**
   * The latest check; a month without data (无数据) is said so, never drawn as a ranking, and the
   * latest check with data, if one is kept, is shown under it for reference.
   */
  function renderFourCompare(target, checks) {
    var check = checks[0];
    if (!check) return fillChart(target, [el('figcaption', null, '四比四看 Four-compare check'), note('暂无排名 No check published yet.')]);
    if (!check.result.noData) {
      return fillChart(target, [
        el('figcaption', null, [el('strong', null, '四比四看 ' + check.period), ' · 县区总得分（满分 ' + check.result.maxPoints + '）']),
        fourCompareChart(check),
      ]);
    }
    var withData = checks.filter(function (c) { return !c.result.noData; })[0];
    fillChart(target, [
      el('figcaption', null, [el('strong', null, '四比四看 ' + check.period + ' 无数据'), ' · No data']),
      el('p', { class: 'empty', 'data-testid': 'ranking-no-data' }, '无数据：' + check.period + ' 月末没有适用的重点项目，本期不排名。 No key project existed by the end of the month; nothing is ranked.'),
      withData ? el('p', { class: 'empty' }, '最近有数据的评比 Latest check with data: ' + withData.period + '（满分 max ' + withData.result.maxPoints + '）') : null,
      withData ? fourCompareChart(withData) : null,
    ]);
  }

  function renderTour(target, tours) {
    var tour = tours[0];
    if (!tour) return fillChart(target, [el('figcaption', null, '观摩 Inspection tour'), note('暂无排名 No tour published yet.')]);
    var rows = tour.result.projects.map(function (p) {
      return { rank: p.rank, label: p.name, value: p.combined, extra: p.countyName };
    });
    fillChart(target, [
      el('figcaption', null, [el('strong', null, '观摩 ' + tour.name), ' · ' + date(tour.date) + ' · 项目综合得分（满分 100）']),
      rankingChart({ title: '观摩 ' + tour.name + ' 项目排名', rows: rows, max: 100 }),
    ]);
  }

  /** A chart follows its card's width (a phone turned, a window resized). */
  var resizeTimer = null;
  window.addEventListener('resize', function () {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(function () {
      Array.prototype.forEach.call(document.querySelectorAll('.echart'), function (node) { if (node.draw) node.draw(); });
    }, 150);
  });

  function settle(promise, render, target) {
    return promise.then(function (data) { fill(target, render(data)); }, function (err) { fill(target, failure(err)); });
  }

  function loadBoard() {
    return Promise.all([
      settle(all('/supervision/stalled'), renderStalled, $('stalled')),
      settle(all('/supervision/overdue-approvals'), renderOverdue, $('overdue')),
      settle(api('/supervision/warnings'), renderWarnings, $('warnings')),
      settle(all('/supervision/orders'), renderOrders, $('orders')),
      loadMeeting(),
      api('/rankings/four-compare?limit=12').then(function (p) { renderFourCompare($('four-compare'), p.items); }, function (err) { fillChart($('four-compare'), failure(err)); }),
      api('/rankings/tours?limit=1').then(function (p) { renderTour($('tour'), p.items); }, function (err) { fillChart($('tour'), failure(err)); }),
    ]);
  }

  // ---- a project's history ---------------------------------------------------------------------

  function section(title, children) {
    return el('section', { class: 'card' }, [el('h2', null, title), el('div', { class: 'body' }, children)]);
  }

  function renderProject(s) {
    var p = s.project;
    var stall = s.stall;
    var stalls = (stall ? [stall] : []).concat(s.stallHistory.slice().reverse());
    var approvals = Object.keys(s.approvals);
    return [
      el('header', { class: 'project-head' }, [
        el('h1', null, p.name),
        el('p', { class: 'code' }, p.code + ' · ' + countyName(p.county) + ' · ' + (STAGES[s.stage] || s.stage) + ' · 牵头 ' + departmentName(p.leadDepartment) + ' · ' + p.responsibleLeader),
        el('p', null, [light(s.warning.level), ' 年度计划完成率 ' + percent(s.warning.completionRate) + '（应完成 ' + percent(s.warning.expectedRate) + '）', s.closed ? ' · 已关闭 closed' : '']),
      ]),
      section('停滞与督办 Stalls and supervision orders', stalls.length === 0 ? note('从未停滞 Never stalled.') : table([
        { title: '原因 Reason', cell: function (x) { return [STALL_REASONS[x.reason] || x.reason, el('div', { class: 'detail' }, stallDetail(x.detail))]; } },
        { title: '起 Since', cell: function (x) { return dateTime(x.since); } },
        { title: '督办单 Order', cell: function (x) { return x.order.id + ' · 限期 ' + (x.order.dueDate || '—'); } },
        { title: '解除 Cleared', cell: function (x) { return x.clearedAt ? dateTime(x.clearedAt) + ' · ' + (x.order.closedBecause || '') : '未解除 open'; } },
      ], stalls)),
      section('人工督办单 Supervision orders opened by hand', [
        s.orders.length === 0 ? note('没有人工督办单 None opened by hand.') : table([
          { title: '督办单 Order', cell: function (o) { return o.id; } },
          { title: '事由 Reason', cell: function (o) { return o.reason; } },
          { title: '下发 Issued', cell: function (o) { return dateTime(o.issuedAt); } },
          { title: '截止 Due', cell: function (o) { return o.dueDate || '待定'; } },
          { title: '状态 State', cell: function (o) { return o.closedAt ? '已办结 · ' + dateTime(o.closedAt) + ' · ' + (o.closedBecause || '') : closeForm(p.code, o); } },
        ], s.orders, function (o) { return { 'data-order': o.id }; }),
        s.closed ? null : openForm(p.code),
      ]),
      section('阶段变更 Stage history', table([
        { title: '#', cell: function (c) { return String(c.seq); } },
        { title: '从 From', cell: function (c) { return c.from ? STAGES[c.from] || c.from : '入库 registered'; } },
        { title: '到 To', cell: function (c) { return STAGES[c.to] || c.to; } },
        { title: '时间 At', cell: function (c) { return dateTime(c.at); } },
        { title: '经办 By', cell: function (c) { return c.by + (c.reason ? ' · ' + c.reason : ''); } },
      ], s.stageHistory.slice().reverse())),
      section('月报 Monthly reports', s.reports.length === 0 ? note('尚无月报 No report yet.') : table([
        { title: '月份 Month', cell: function (r) { return r.month; } },
        { title: '本月 This month (万元)', cell: function (r) { return String(r.investmentThisMonth); } },
        { title: '累计 To date (万元)', cell: function (r) { return String(r.investmentToDate); } },
        { title: '形象进度 Progress', cell: function (r) { return r.physicalProgress + '%'; } },
        { title: '报送 Reported', cell: function (r) { return dateTime(r.reportedAt) + (r.corrections.length ? ' · 更正 ' + r.corrections.length : ''); } },
      ], s.reports.slice().reverse())),
      section('预警变化 Warning history', s.warningHistory.length === 0 ? note('一直为绿灯 Always green.') : table([
        { title: '灯 Light', cell: function (w) { return light(w.level); } },
        { title: '时间 At', cell: function (w) { return dateTime(w.at); } },
        { title: '完成率 Rate', cell: function (w) { return percent(w.completionRate) + ' / ' + percent(w.expectedRate); } },
      ], s.warningHistory.slice().reverse())),
      section('联审联批 Approvals', approvals.length === 0 ? note('无 None.') : table([
        { title: '环节 Stage', cell: function (id) { return REVIEW_STAGES[id] || id; } },
        { title: '状态 Status', cell: function (id) { return APPROVALS[s.approvals[id]] || s.approvals[id]; } },
        { title: '第几次申请 Attempt', cell: function (id) { var r = (s.reviews || {})[id]; return r ? '第' + r.attempt + '次' : '—'; } },
        { title: '不予许可理由 Reasons', cell: function (id) {
          var r = (s.reviews || {})[id];
          if (!r || r.status !== 'rejected') return '—';
          return r.rejections.map(function (x) { return departmentName(x.department) + '：' + x.reason; }).join('；');
        } },
      ], approvals)),
      section('存在问题 Open problems', s.openProblems.length === 0 ? note('无 None.') : table([
        { title: '问题 Problem', cell: function (o) { return o.text; } },
        { title: '部门 Department', cell: function (o) { return o.department ? departmentName(o.department) : '—'; } },
        { title: '提出 Raised', cell: function (o) { return o.raisedIn; } },
      ], s.openProblems)),
    ];
  }

  function requestId(prefix) { return prefix + '-' + Date.now().toString(36) + '-' + Math.random().toString(36).slice(2, 8); }

  function post(path, body) {
    return request(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then(function (res) {
      return res.json().catch(function () { return null; }).then(function (b) {
        if (!res.ok) throw new ApiError(res.status, b);
        return b;
      });
    });
  }

  /** A supervisor opens an order (督办单) by hand: the reason and the working days allowed. */
  function openForm(code) {
    var reason = el('textarea', { name: 'reason', rows: 2, required: true, placeholder: '督办事由，如：用地手续久拖未办，影响开工' });
    var days = el('input', { name: 'days', type: 'number', min: 1, max: 60, value: 5 });
    var error = el('p', { class: 'error', role: 'alert' });
    var form = el('form', { class: 'order-form', 'data-testid': 'open-order' }, [
      el('h3', null, '下发督办单'),
      el('label', null, ['督办事由', reason]),
      el('label', null, ['办理时限（工作日）', days]),
      el('button', { type: 'submit' }, '下发'),
      error,
    ]);
    form.addEventListener('submit', function (e) {
      e.preventDefault();
      post('/projects/' + encodeURIComponent(code) + '/supervision-orders', { requestId: requestId('web-order'), reason: reason.value, dueInWorkingDays: Number(days.value) })
        .then(function () { return loadProject(code); }, function (err) { error.textContent = err.message; });
    });
    return form;
  }

  function closeForm(code, order) {
    var noteInput = el('input', { name: 'note', placeholder: '办理情况，如：已督促', required: true });
    var error = el('span', { class: 'error', role: 'alert' });
    var form = el('form', { class: 'inline-form', 'data-testid': 'close-order' }, ['办理中 ', noteInput, el('button', { type: 'submit' }, '办结'), error]);
    form.addEventListener('submit', function (e) {
      e.preventDefault();
      post('/projects/' + encodeURIComponent(code) + '/supervision-orders/' + encodeURIComponent(order.id) + '/close', { requestId: requestId('web-close'), note: noteInput.value })
        .then(function () { return loadProject(code); }, function (err) { error.textContent = err.message; });
    });
    return form;
  }

  function loadProject(code) {
    var body = $('project-body');
    return api('/projects/' + encodeURIComponent(code)).then(function (s) { fill(body, renderProject(s)); }, function (err) { fill(body, failure(err)); });
  }

  // ---- a lead department's or an enterprise's projects, the monthly report (月报) ----------------

  var mineProjects = [];

  function lastMonth() {
    var d = new Date(Date.now() + 8 * 3600000); // Shanghai's month
    var y = d.getUTCFullYear();
    var m = d.getUTCMonth(); // 0-based: this is last month's number
    if (m === 0) { y -= 1; m = 12; }
    return y + '-' + (m < 10 ? '0' : '') + m;
  }

  function renderMine(items) {
    $('mine-count').textContent = String(items.length);
    if (items.length === 0) return note('暂无项目。');
    return table([
      { title: '项目', cell: function (p) { return [projectLink(p.code, p.name || p.code), el('div', { class: 'code' }, p.code + ' · ' + countyName(p.county))]; } },
      { title: '阶段', cell: function (p) { return STAGES[p.stage] || p.stage; } },
      { title: '预警', cell: function (p) { return [light(p.warning), p.stalled ? el('span', { class: 'n-stalled' }, ' 停滞') : null]; } },
      { title: '年度计划完成率', cell: function (p) { return percent(p.completionRate); } },
      { title: '距上次月报', cell: function (p) { return p.daysSinceReport === null || p.daysSinceReport === undefined ? '尚未报送' : p.daysSinceReport + ' 天'; } },
    ], items, function (p) { return { 'data-code': p.code }; });
  }

  /** The monthly report of one project; a month already reported is a correction and needs its reason. */
  function reportForm(items) {
    var project = el('select', { name: 'project' }, items.map(function (p) { return el('option', { value: p.code }, p.name + '（' + p.code + '）'); }));
    // Plain text, not type=month: the browser's month picker speaks the browser's language, often English.
    var month = el('input', { name: 'month', type: 'text', required: true, pattern: '\\d{4}-\\d{2}', placeholder: '如 ' + lastMonth(), value: lastMonth(), title: '年-月，如 ' + lastMonth(), inputmode: 'numeric' });
    var thisMonth = el('input', { name: 'investmentThisMonth', type: 'number', min: 0, step: '0.01', required: true });
    var toDate = el('input', { name: 'investmentToDate', type: 'number', min: 0, step: '0.01', required: true });
    var progress = el('input', { name: 'physicalProgress', type: 'number', min: 0, max: 100, step: '0.1', required: true });
    var progressNote = el('textarea', { name: 'progressNote', rows: 2, placeholder: '本月形象进度说明，如：主体结构封顶' });
    var problems = el('textarea', { name: 'problems', rows: 2, placeholder: '存在问题，每行一条（无则不填）' });
    var correction = el('textarea', { name: 'correctionReason', rows: 2, placeholder: '更正已报月份时必填：更正理由' });
    var result = el('p', { class: 'detail', role: 'status', 'data-testid': 'report-result' });
    var error = el('p', { class: 'error', role: 'alert' });
    var form = el('form', { class: 'order-form report-form', 'data-testid': 'report-form' }, [
      el('label', null, ['项目', project]),
      el('label', null, ['月份', month]),
      el('label', null, ['本月完成投资（万元）', thisMonth]),
      el('label', null, ['年度累计完成投资（万元）', toDate]),
      el('label', null, ['形象进度（%）', progress]),
      el('label', null, ['进度说明', progressNote]),
      el('label', null, ['存在问题', problems]),
      el('label', null, ['更正理由', correction]),
      el('button', { type: 'submit' }, '报送'),
      result, error,
    ]);
    form.addEventListener('submit', function (e) {
      e.preventDefault();
      error.textContent = '';
      result.textContent = '';
      var body = {
        requestId: requestId('web-report'), month: month.value, investmentThisMonth: Number(thisMonth.value), investmentToDate: Number(toDate.value), physicalProgress: Number(progress.value),
        progressNote: progressNote.value.trim(),
        problems: problems.value.split('\n').map(function (x) { return x.trim(); }).filter(Boolean).map(function (text) { return { text: text }; }),
      };
      if (correction.value.trim()) body.correctionReason = correction.value.trim();
      post('/projects/' + encodeURIComponent(project.value) + '/reports', body).then(function () {
        result.textContent = (body.correctionReason ? '已更正 ' : '已报送 ') + body.month + ' 月报：' + project.options[project.selectedIndex].text;
        correction.value = '';
        return loadMine();
      }, function (err) { error.textContent = issueText(err); });
    });
    return form;
  }

  /** A refusal as people read it: each field's rule, in Chinese where the API gives it. */
  function issueText(err) {
    var issues = (err && err.body && err.body.issues) || [];
    if (issues.length === 0) return err.message;
    return issues.map(function (i) { return (FIELDS[i.field] || i.field) + '：' + (i.ruleZh || i.rule); }).join('；');
  }

  var FIELDS = { month: '月份', investmentThisMonth: '本月完成投资', investmentToDate: '年度累计完成投资', physicalProgress: '形象进度', correctionReason: '更正理由', problems: '存在问题', code: '项目代码' };

  function renderUpload(a) {
    var rows = a.refused.map(function (r) { return { kind: 'refused', line: r.line, code: r.code, issues: r.issues }; })
      .concat(a.reported.map(function (r) { return { kind: 'reported', line: r.line, code: r.code, month: r.month, correction: r.correction }; }))
      .sort(function (x, y) { return x.line - y.line; });
    return [
      el('p', { 'data-testid': 'upload-summary' }, '共 ' + a.rows + ' 行：已报送 ' + a.reported.length + ' 行，未通过 ' + a.refused.length + ' 行。'),
      a.fileIssues.length ? el('p', { class: 'error' }, a.fileIssues.join('；')) : null,
      rows.length === 0 ? null : table([
        { title: '行', cell: function (r) { return '第 ' + r.line + ' 行'; } },
        { title: '项目代码', cell: function (r) { return r.code || '—'; } },
        { title: '结果', cell: function (r) { return r.kind === 'reported' ? el('span', { class: 'state state-closed' }, r.correction ? '已更正' : '已报送') : el('span', { class: 'state state-overdue' }, '未通过'); } },
        { title: '问题（列 · 规则）', cell: function (r) {
          if (r.kind === 'reported') return r.month;
          return r.issues.map(function (i) { return el('div', { class: 'row-issue', 'data-column': i.column }, i.message); });
        } },
      ], rows, function (r) { return { 'data-line': r.line, 'data-result': r.kind }; }),
    ];
  }

  function upload(file) {
    var target = $('upload-result');
    fill(target, note('正在上传 ' + file.name + '…'));
    return file.arrayBuffer().then(function (buf) {
      return request('/reports/monthly/upload', { method: 'POST', headers: { 'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' }, body: buf });
    }).then(function (res) {
      return res.json().catch(function () { return null; }).then(function (b) {
        if (!res.ok) throw new ApiError(res.status, b);
        fill(target, renderUpload(b));
        return loadMine();
      });
    }).catch(function (err) { fill(target, note('上传失败：' + issueText(err), 'warn')); });
  }

  function wireMine() {
    $('template-download').addEventListener('click', function (e) {
      download('/reports/monthly/template?month=' + lastMonth(), '重点项目月报模板.xlsx', e.currentTarget);
    });
    $('template-upload').addEventListener('change', function (e) {
      var f = e.target.files && e.target.files[0];
      if (f) upload(f).then(function () { e.target.value = ''; });
    });
  }

  function loadMine() {
    var body = $('mine-body');
    return all('/projects?includeClosed=false').then(function (items) {
      // An enterprise's list the API already narrows to its own; a lead department keeps those it leads (牵头).
      if (!whoDepartment) return items;
      return Promise.all(items.map(function (p) { return api('/projects/' + encodeURIComponent(p.code)).then(function (st) { return st.project.leadDepartment === whoDepartment ? p : null; }, function () { return null; }); }))
        .then(function (xs) { return xs.filter(Boolean); });
    }).then(function (mine) {
      mineProjects = mine;
      fill(body, renderMine(mine));
      var report = $('report-body');
      // Keep a half-filled form across refreshes: draw it only when the project list changed.
      var key = mine.map(function (p) { return p.code; }).join(',');
      if (report.getAttribute('data-projects') !== key) {
        report.setAttribute('data-projects', key);
        fill(report, mine.length ? reportForm(mine) : note('没有可填报的项目。'));
      }
    }, function (err) { fill(body, failure(err)); });
  }

  // ---- navigation, sign-in, refresh ------------------------------------------------------------

  var ROLE_NAMES = { departmentClerk: '部门经办人', departmentHead: '部门负责人', leadOfficer: '牵头部门联络员', supervisor: '督查', meetingOffice: '周例会办公室', enterprise: '项目单位', admin: '管理员', department: '部门' };
  var signedIn = false;

  /** Where a role lands: clerks and heads on their inbox, the supervisors on the board, the meeting office on its meeting, lead officers and enterprises on their projects. */
  function homeOf(who) {
    var roles = who.roles || [];
    if (who.role === 'department') return roles.length === 0 || roles.indexOf('departmentClerk') >= 0 || roles.indexOf('departmentHead') >= 0 ? 'inbox' : 'mine';
    if (who.role === 'enterprise') return 'mine';
    if (who.role === 'meetingOffice') return 'meeting';
    return 'board';
  }

  function route() {
    var m = /^#\/projects\/(.+)$/.exec(location.hash);
    var c = /^#\/counties\/(.+)$/.exec(location.hash);
    return { project: m ? decodeURIComponent(m[1]) : null, county: c ? decodeURIComponent(c[1]) : null };
  }

  // ---- the meeting office: decisions (议定事项) in session, follow-ups (督办事项) closed with a note ----

  /** One decision: the project on the agenda, what is to be done, the owner department and the working days allowed. */
  function decisionForm(view) {
    var seen = {};
    var subjects = view.agenda.filter(function (i) { if (seen[i.project.code]) return false; seen[i.project.code] = true; return true; });
    var project = el('select', { name: 'project' }, subjects.map(function (i) { return el('option', { value: i.project.code, 'data-department': i.department.id }, i.project.name); }));
    var owner = el('select', { name: 'ownerDepartment' }, ((reference && reference.departments) || []).map(function (d) { return el('option', { value: d.id }, d.name); }));
    var action = el('textarea', { name: 'action', rows: 2, required: true, placeholder: '议定事项，如：牵头部门一周内上门协调，限期解决' });
    var days = el('input', { name: 'days', type: 'number', min: 1, max: 60, value: 5, required: true });
    var result = el('p', { class: 'detail', role: 'status', 'data-testid': 'decision-result' });
    var error = el('p', { class: 'error', role: 'alert' });
    function followProject() { var o = project.options[project.selectedIndex]; if (o) owner.value = o.getAttribute('data-department'); }
    project.addEventListener('change', followProject);
    followProject();
    var form = el('form', { class: 'order-form', 'data-testid': 'decision-form' }, [
      el('h3', null, '记录议定事项'),
      el('label', null, ['项目（本次议题）', project]),
      el('label', null, ['议定事项', action]),
      el('label', null, ['责任单位', owner]),
      el('label', null, ['办理时限（工作日）', days]),
      el('button', { type: 'submit' }, '记录'),
      result, error,
    ]);
    form.addEventListener('submit', function (e) {
      e.preventDefault();
      error.textContent = '';
      post('/meetings/' + encodeURIComponent(view.plan.week) + '/decisions', { requestId: requestId('web-decision'), decisions: [{ action: action.value.trim(), ownerDepartment: owner.value, dueInWorkingDays: Number(days.value), projectCode: project.value }] })
        .then(function () { result.textContent = '已记录：' + action.value.trim(); action.value = ''; return loadFollowUps(); }, function (err) { error.textContent = issueText(err); });
    });
    return form;
  }

  function followUpClose(item) {
    var noteInput = el('input', { name: 'note', required: true, placeholder: '办理结果，如：已协调到位' });
    var error = el('span', { class: 'error', role: 'alert' });
    var form = el('form', { class: 'inline-form', 'data-testid': 'close-follow-up' }, [noteInput, el('button', { type: 'submit' }, '办结销号'), error]);
    form.addEventListener('submit', function (e) {
      e.preventDefault();
      post('/follow-ups/' + encodeURIComponent(item.id) + '/close', { requestId: requestId('web-follow-up'), note: noteInput.value.trim() })
        .then(function () { return loadFollowUps(); }, function (err) { error.textContent = issueText(err); });
    });
    return form;
  }

  function renderFollowUps(items) {
    var mayClose = who && (who.role === 'meetingOffice' || who.role === 'admin');
    return [
      el('h3', null, '督办事项（会议议定）'),
      items.length === 0 ? note('没有督办事项。') : table([
        { title: '事项', cell: function (i) { return [i.action, el('div', { class: 'detail' }, i.id + ' · ' + i.meetingDate + ' 例会')]; } },
        { title: '项目', cell: function (i) { return projectLink(i.project.code, i.project.name); } },
        { title: '责任单位', cell: function (i) { return i.ownerDepartment.name + (i.leader ? ' · ' + i.leader : ''); } },
        { title: '限期', cell: function (i) { return i.dueDate + (i.escalatedAt ? '（已逾期上报）' : ''); } },
        { title: '状态', cell: function (i) { return i.status === 'closed' ? '已办结 · ' + dateTime(i.closedAt) + (i.closingNote ? ' · ' + i.closingNote : '') : mayClose ? followUpClose(i) : '办理中'; } },
      ], items.slice().reverse(), function (i) { return { 'data-follow-up': i.id, 'data-status': i.status }; }),
    ];
  }

  function loadFollowUps() {
    var target = $('follow-ups');
    return all('/follow-ups').then(function (items) { fill(target, renderFollowUps(items)); }, function (err) { fill(target, failure(err)); });
  }

  function loadMeeting() {
    return Promise.all([
      api('/meetings/current').then(function (view) {
        var decide = view.status === 'inSession' && who && (who.role === 'meetingOffice' || who.role === 'admin') && view.agenda.length > 0;
        var box = $('decision');
        // A half-written decision survives the minute's refresh: the form is drawn again only for another meeting or window.
        var key = view.plan.week + ':' + view.status;
        if (box.getAttribute('data-key') !== key) { box.setAttribute('data-key', key); fill(box, decide ? decisionForm(view) : view.status === 'inSession' ? null : note('议定事项在会议进行中记录。')); }
        fill($('meeting'), renderMeeting(view));
      }, function (err) { fill($('meeting'), failure(err)); }),
      loadFollowUps(),
    ]);
  }

  function load() {
    if (!signedIn) return Promise.resolve();
    var r = route();
    var home = !(r.project || r.county);
    var where = who && homeOf(who);
    $('board').hidden = !home || !(where === 'board' || where === 'meeting');
    $('board').classList.toggle('meeting-only', where === 'meeting');
    $('inbox').hidden = !home || where !== 'inbox';
    $('mine').hidden = !home || where !== 'mine';
    $('project').hidden = !r.project;
    $('county').hidden = !r.county;
    var work = r.project ? loadProject(r.project) : r.county ? loadCounty(r.county)
      : where === 'inbox' ? loadInbox() : where === 'mine' ? loadMine() : where === 'meeting' ? loadMeeting() : loadBoard();
    return work.then(function () {
      $('refreshed').textContent = '更新于 ' + new Date().toLocaleTimeString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false });
      document.body.setAttribute('data-loaded', String(Date.now()));
    });
  }

  function showLogin(message) {
    ['board', 'project', 'county', 'inbox', 'mine', 'status'].forEach(function (id) { $(id).hidden = true; });
    $('login').hidden = false;
    $('login-error').textContent = message || '';
    $('login-name').focus();
  }

  function signOut(message) {
    signedIn = false;
    who = null;
    var hadToken = !!token();
    sessionStorage.removeItem(TOKEN_KEY);
    sessionStorage.removeItem(PERSON_KEY);
    if (timer) clearInterval(timer);
    timer = null;
    showLogin(message);
    // A person's session ends on the server too; a machine's token simply leaves the tab.
    if (!hadToken) return fetch('/session', { method: 'DELETE', credentials: 'same-origin' }).catch(function () { return null; });
    return Promise.resolve();
  }

  /** `李主任 · 发展和改革委员会 · 部门负责人、牵头部门联络员`, or a machine's token id. */
  function whoLabel(w) {
    var roles = (w.roles && w.roles.length ? w.roles : [w.role]).map(function (x) { return ROLE_NAMES[x] || x; }).join('、');
    var unit = w.department ? departmentName(w.department) : w.enterprise ? w.enterprise.name : null;
    return [w.name || ('令牌 ' + w.tokenId), unit, roles].filter(Boolean).join(' · ');
  }

  var who = null;

  function start() {
    return api('/whoami').then(function (w) {
      who = w;
      signedIn = true;
      whoDepartment = w.role === 'department' ? w.department : null;
      return api('/reference').then(function (ref) { reference = ref; }, function () { reference = null; });
    }).then(function () {
      $('login').hidden = true;
      $('status').hidden = false;
      $('who').textContent = whoLabel(who);
      $('who').setAttribute('data-home', homeOf(who));
      if (!timer) timer = setInterval(load, REFRESH_MS);
      return load();
    }, function (err) {
      if (err && err.status === 401) return showLogin(token() ? '令牌无效或已撤销，请重新输入。' : '');
      showLogin('无法连接服务：' + (err && err.message ? err.message : String(err)));
    });
  }

  /** Signs in as a person: the API sets the HttpOnly session cookie; wrong password and too many tries are said in Chinese. */
  function signIn(login, password) {
    $('login-error').textContent = '';
    sessionStorage.removeItem(TOKEN_KEY);
    return fetch('/session', { method: 'POST', credentials: 'same-origin', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login: login, password: password }) }).then(function (res) {
      if (res.ok) { $('password').value = ''; sessionStorage.setItem(PERSON_KEY, '1'); return start(); }
      if (res.status === 401) return showLogin('登录名或密码不正确，或账号已停用。');
      if (res.status === 429) {
        var wait = Number(res.headers.get('retry-after')) || 60;
        return showLogin('登录失败次数过多，请 ' + wait + ' 秒后再试。');
      }
      return res.json().catch(function () { return null; }).then(function (b) { showLogin('登录失败：' + ((b && b.message) || ('HTTP ' + res.status))); });
    }, function () { showLogin('无法连接服务，请稍后再试。'); });
  }

  document.addEventListener('DOMContentLoaded', function () {
    $('login-form').addEventListener('submit', function (e) {
      e.preventDefault();
      var login = $('login-name').value.trim();
      if (!login) return;
      signIn(login, $('password').value);
    });
    $('token-form').addEventListener('submit', function (e) {
      e.preventDefault();
      var value = $('token').value.trim();
      if (!value) return;
      sessionStorage.setItem(TOKEN_KEY, value);
      $('token').value = '';
      start();
    });
    $('logout').addEventListener('click', function () { signOut(''); });
    $('refresh').addEventListener('click', function () { load(); });
    Array.prototype.forEach.call(document.querySelectorAll('button[data-export]'), function (b) {
      b.addEventListener('click', function () { exportList(b.getAttribute('data-export'), b); });
    });
    // The meeting card is drawn again at every refresh: one listener for its buttons.
    $('meeting').addEventListener('click', function (e) {
      var b = e.target.closest('button[data-document]');
      if (!b) return;
      var week = b.getAttribute('data-week');
      download('/meetings/' + encodeURIComponent(week) + '/documents/' + b.getAttribute('data-document'), week + '.docx', b);
    });
    wireMine();
    window.addEventListener('hashchange', function () { window.scrollTo(0, 0); load(); });
    document.addEventListener('visibilitychange', function () { if (!document.hidden && signedIn) load(); });
    // Signed in earlier in this tab (session cookie or token): straight in; otherwise the sign-in form.
    if (token() || sessionStorage.getItem(PERSON_KEY)) start(); else showLogin('');
  });
})();
