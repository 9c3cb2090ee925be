/**
 * The fixture suite: every folder of test/fixtures/config, with the three round-trip
 * properties. UPDATE_FIXTURES=1 rewrites expectations, FILTER=name selects cases.
 */
import { runConfigFixtures } from '../../../helpers/config-fixtures.js';

runConfigFixtures();
