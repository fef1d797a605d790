/** The ready-made demo tour (seeds/demo-tour.json) loads, is consistent and is checked like real sheets. */
import demoTourJson from '../../seeds/demo-tour.json';
import { SeedDataError } from '../../seeds';
import { loadDemoTour } from '../../seeds/demoTour';

describe('the demo inspection tour', () => {
  it('visits 12 demo projects in every county, district and zone, with 5 sheets each', () => {
    const demo = loadDemoTour();
    expect(demo.projects).toHaveLength(12);
    expect(new Set(demo.projects.map((p) => p.county)).size).toBe(8);
    expect(demo.sheets).toHaveLength(60);
    for (const p of demo.projects) expect(demo.sheets.filter((s) => s.projectCode === p.code)).toHaveLength(5);
    expect(demo.projects[0]).toMatchObject({ code: '2025-411100-14-03-000107', countyName: '经济技术开发区', kind: 'functional-zone', owner: '河南统一企业有限公司' });
  });

  it('refuses a sheet the tour would refuse, naming where it is', () => {
    const bad = JSON.parse(JSON.stringify(demoTourJson)) as { sheets: Array<{ scores: Record<string, number[]> }> };
    bad.sheets[0]!.scores['sw:zhao.lei'] = [26, 25, 20, 15, 15];
    expect(() => loadDemoTour(bad)).toThrow(SeedDataError);
    expect(() => loadDemoTour(bad)).toThrow('sheets[2025-411100-14-03-000107].scores.sw:zhao.lei.scores.scale: 规模和投资强度 (scale): score 26 is above the maximum of 25 points');
  });
});
