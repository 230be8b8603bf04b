// A promotion's preview and `kayron-releases plan` share the planner: the parameters a promotion shows are exactly the
// ones the plan computes for the same base and head (and they are in the Markdown preview).
import { strict as assert } from 'node:assert';
import { after, before, describe, test } from 'node:test';
import { GitRepository } from '../../server/src/environments/git';
import { buildDeploymentPlan } from '../../server/src/plan/deployment-plan';
import { planPromotion } from '../../server/src/promotion/promotion';
import {
  createPromotionFixture,
  promotionExecutor,
  promotionInputs,
  type PromotionFixture,
} from '../helpers/promotion-fixture';

describe('promotion previews agree with the deployment plan', () => {
  let fixture: PromotionFixture;
  const log: string[] = [];
  before(async () => {
    fixture = await createPromotionFixture();
  });
  after(async () => {
    await fixture.close();
  });

  test('staging → production: the same parameters as plan --base <latest release> --head <default branch head>', async () => {
    const { plan } = await planPromotion(
      await promotionInputs(fixture),
      promotionExecutor(fixture, log),
      { kind: 'production' },
      'agree-1',
    );
    const repository = await GitRepository.open(fixture.clone.dir);
    const { plan: deployment } = await buildDeploymentPlan(
      repository,
      { environment: 'production', base: 'v0.6.10', head: fixture.stagingCommit },
      undefined,
      'not needed',
    );
    assert.ok(plan.parameters && plan.parameters.length > 0);
    assert.deepEqual(plan.parameters, deployment.parameters);
    assert.deepEqual(
      plan.parameters
        .filter((parameter) => parameter.change !== 'none')
        .map((parameter) => [parameter.key, parameter.before, parameter.after, parameter.change]),
      [['KayronVersion', 'v0.5.2', 'v0.5.3', 'upgrade']],
    );
    assert.match(
      plan.preview,
      /## CloudFormation parameters\n\n\| Parameter \| Before \| After \| Change \|\n\| --- \| --- \| --- \| --- \|\n\| `KayronVersion` \| v0\.5\.2 \| v0\.5\.3 \| upgrade \|/,
    );
  });

  test('a service bump on staging shows the parameter the plan would show after the edit', async () => {
    const { plan } = await planPromotion(
      await promotionInputs(fixture),
      promotionExecutor(fixture, log),
      { kind: 'staging', bumps: [{ service: 'splits-lite', version: 'v0.2.3' }] },
      'agree-2',
    );
    assert.deepEqual(
      plan.parameters
        ?.filter((parameter) => parameter.change !== 'none')
        .map((parameter) => [parameter.key, parameter.before, parameter.after, parameter.change]),
      [['SplitsLiteVersion', 'v0.2.2', 'v0.2.3', 'upgrade']],
    );
  });
});
