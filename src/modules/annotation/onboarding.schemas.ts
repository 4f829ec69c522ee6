// Project onboarding shapes (`/api/projects/{id}/onboarding`): the product's steps with the project's state.
import Type from 'typebox';
import { Id, NullableTimestamp } from '../../platform/http/common.schemas.ts';

export const StepCode = Type.String({ pattern: '^[A-Z]{2}$', description: "a step's code, e.g. DU" });

export const OnboardingStep = Type.Object({
  id: Id,
  code: Type.String(),
  title: Type.String(),
  description: Type.String(),
  link: Type.Union([Type.String(), Type.Null()]),
  video: Type.Union([Type.String(), Type.Null()]),
  order: Type.Integer(),
  finished: Type.Boolean(),
  /** When the project's state of this step last changed (null: never). */
  updated_at: NullableTimestamp,
});

export const Onboarding = Type.Object({
  project: Id,
  /** Every step is done (Label Studio's `skip_onboarding`). */
  finished: Type.Boolean(),
  steps: Type.Array(OnboardingStep),
});

export const UpdateOnboardingBody = Type.Object(
  {
    /** The step (its code or id); without it, every step. */
    step: Type.Optional(Type.Union([StepCode, Id])),
    finished: Type.Boolean(),
  },
  { additionalProperties: false },
);
