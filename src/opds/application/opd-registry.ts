import type { CommandPipeline } from '../../event-store/command-pipeline.js';
import { opdDecider, opdSnapshot, opdStreamId } from '../domain/opd.decider.js';
import type { OpdSnapshot } from '../domain/opd.state.js';

/** The OPD registry as other contexts' handlers read it: the OPD's stream, folded. */
export async function readOpd(pipeline: Pick<CommandPipeline, 'load'>, opdCode: string): Promise<OpdSnapshot> {
  const { state } = await pipeline.load(opdDecider, opdStreamId(opdCode));
  return opdSnapshot(opdCode, state);
}
