/**
 * Promotions of the releases repository, testing → staging → production: one flow per module behind one interface
 * (flow.ts), dispatched here by kind. Planning reads only and returns a preview plus a recipe; execution replays the
 * recipe through the executor after re-checking that GitHub still looks as it did when the preview was made.
 */
import type { PromotionExecutor } from './executor';
import type { ExecutionOutcome, PlannedFlow, PromotionInputs } from './flow';
import { productionFlow, type ProductionRecipe } from './production';
import { stagingFlow, type StagingRecipe } from './staging';
import { testingDeployFlow, type TestingDeployRecipe } from './testing-deploy';
import { testingResetFlow, type TestingResetRecipe } from './testing-reset';
import type { PromotionRequest } from './types';

export type { ExecutionOutcome, PromotionInputs } from './flow';

/** What a confirmed plan runs: each flow's own recipe, told apart by `kind` (the request's kind). */
export type Recipe = ProductionRecipe | StagingRecipe | TestingDeployRecipe | TestingResetRecipe;

export type Planned = PlannedFlow<Recipe>;

export function planPromotion(
  inputs: PromotionInputs,
  executor: PromotionExecutor,
  request: PromotionRequest,
  id: string,
): Promise<Planned> {
  switch (request.kind) {
    case 'production':
      return productionFlow.plan(inputs, executor, request, id);
    case 'staging':
      return stagingFlow.plan(inputs, executor, request, id);
    case 'testing-deploy':
      return testingDeployFlow.plan(inputs, executor, request, id);
    case 'testing-reset':
      return testingResetFlow.plan(inputs, executor, request, id);
  }
}

export function executeRecipe(
  inputs: PromotionInputs,
  executor: PromotionExecutor,
  recipe: Recipe,
): Promise<ExecutionOutcome> {
  switch (recipe.kind) {
    case 'production':
      return productionFlow.execute(inputs, executor, recipe);
    case 'staging':
      return stagingFlow.execute(inputs, executor, recipe);
    case 'testing-deploy':
      return testingDeployFlow.execute(inputs, executor, recipe);
    case 'testing-reset':
      return testingResetFlow.execute(inputs, executor, recipe);
  }
}
