/**
 * The CoreApi contract against the in-process implementation (what main/core-host.ts and the
 * WebSocket server hold).
 */
import { createInProcessApi } from '../../../proxy-core/src/node/api/in-process-api.js';
import { apiOptions, describeContract } from '../../unit/api/contract.js';

describeContract('the in-process API', async (fx) => {
  const api = createInProcessApi(fx.core, apiOptions(fx));
  return { client: api, close: () => api.dispose() };
});
