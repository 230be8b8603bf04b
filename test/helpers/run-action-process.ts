/**
 * runCompositeAction in a process of its own, for tests whose GitHub stand-in runs in the test process (the steps run
 * with spawnSync, which would block the stand-in's answers). argv[2]: the ActionContext as JSON; prints the ActionRun.
 *   node --import tsx test/helpers/run-action-process.ts '{"actionPath": …}'
 */
import { runCompositeAction, type ActionContext } from './run-action';

const context = JSON.parse(process.argv[2] ?? '{}') as ActionContext;
process.stdout.write(JSON.stringify(runCompositeAction(context)));
