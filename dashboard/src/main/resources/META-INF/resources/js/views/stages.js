// The funnel's stages in their order, from the definition in force (GET /api/funnel/definition), for the
// stage pickers; asked once per page load.
import { get } from '../api.js';

let cached = null;

export async function stageOptions() {
  if (!cached) {
    cached = get('/api/funnel/definition').then((d) => d.stages.map((s) => [s.key, s.key]))
      .catch((e) => { cached = null; throw e; });
  }
  return cached;
}
