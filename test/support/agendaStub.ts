import type { createActivities } from '../../activities';
import type { AgendaItem } from '../../schemas/meeting';
import type { CompiledLag } from '../../schemas/readModel';

type Activities = ReturnType<typeof createActivities>;

/**
 * Activities whose project agenda items (stalled, red, overdue, problems) are `items(at)` instead of
 * live state, follow-ups still from the tracker: for both loaders a meeting may call — the single
 * `loadAgendaItems` since 'meeting-agenda-read-model-lag' (answering `readModel`, null: read from
 * the workflows), and `loadProjectAgendaItems` before it.
 */
export function withProjectAgenda(
  activities: Activities,
  items: (at: string) => AgendaItem[] | Promise<AgendaItem[]>,
  readModel: CompiledLag | null = null,
): Activities {
  return {
    ...activities,
    loadProjectAgendaItems: async ({ at }: { at: string }) => items(at),
    loadAgendaItems: async (req: Parameters<Activities['loadAgendaItems']>[0]) => ({
      items: [...(await items(req.at)), ...(await activities.loadFollowUpAgendaItems({ at: req.at }))],
      readModel,
    }),
  };
}
