// Detections, the review queue, the project's detectors, and the job role of an organization member.
import { sql } from 'kysely';
import Type from 'typebox';
import type { Database } from '../../db/database.ts';
import { inScope } from '../../db/scope.ts';
import { authorize } from '../../platform/access/access.ts';
import { actorOf } from '../../platform/auth/plugin.ts';
import { AppError } from '../../platform/errors.ts';
import type { App } from '../../platform/http/app-types.ts';
import { IdParams } from '../../platform/http/common.schemas.ts';
import { errors } from '../../platform/http/schemas.ts';
import type { DetectionsService } from './detections.service.ts';
import {
  Correction,
  Detection,
  DetectionWithHistory,
  Detector,
  DetectorParams,
  Feedback,
  JobRoleBody,
  JobRoleParams,
  NewDetection,
  NewDetector,
  QueuePage,
  QueueQuery,
} from './review.schemas.ts';

const tags = ['photos'];

export function detectionsRoutes(app: App, detections: DetectionsService, database: Database): void {
  app.get(
    '/api/photos/:id/detections',
    {
      schema: {
        tags,
        summary: "A photo's detections",
        params: IdParams,
        response: { 200: Type.Array(Detection), ...errors(400, 401, 404) },
      },
    },
    async (request) => detections.ofPhoto(actorOf(request), request.params.id),
  );

  app.post(
    '/api/photos/:id/detections',
    {
      schema: {
        tags,
        summary: 'Record a detection made by an outside model (confidence 0..1, processing_time_ms > 0)',
        params: IdParams,
        body: NewDetection,
        response: { 201: Detection, ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await detections.create(actorOf(request), request.params.id, request.body)),
  );

  app.get(
    '/api/detections/:id',
    {
      schema: {
        tags,
        summary: 'One detection with its review history (the original regions of a corrected one)',
        params: IdParams,
        response: { 200: DetectionWithHistory, ...errors(400, 401, 404) },
      },
    },
    async (request) => detections.get(actorOf(request), request.params.id),
  );

  app.get(
    '/api/projects/:id/review-queue',
    {
      schema: {
        tags,
        summary: 'Detections awaiting review, lowest confidence first, by cursor',
        params: IdParams,
        querystring: QueueQuery,
        response: { 200: QueuePage, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => detections.queue(actorOf(request), request.params.id, request.query),
  );

  app.post(
    '/api/detections/:id/confirm',
    {
      schema: {
        tags,
        summary: "Confirm a detection: its labels become the photo's ai tags",
        params: IdParams,
        response: { 200: Detection, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => detections.confirm(actorOf(request), request.params.id),
  );

  app.post(
    '/api/detections/:id/reject',
    {
      schema: {
        tags,
        summary: 'Reject a detection, saying why',
        params: IdParams,
        body: Feedback,
        response: { 200: Detection, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => detections.reject(actorOf(request), request.params.id, request.body.feedback),
  );

  app.patch(
    '/api/detections/:id',
    {
      schema: {
        tags,
        summary: 'Correct the regions of a detection (the previous ones stay in its history)',
        params: IdParams,
        body: Correction,
        response: { 200: Detection, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => detections.correct(actorOf(request), request.params.id, request.body),
  );

  app.get(
    '/api/projects/:id/detectors',
    {
      schema: {
        tags,
        summary: "The project's detectors (none configured: the built-in image-quality detector runs)",
        params: IdParams,
        response: { 200: Type.Array(Detector), ...errors(400, 401, 404) },
      },
    },
    async (request) => detections.detectors(actorOf(request), request.params.id),
  );

  app.post(
    '/api/projects/:id/detectors',
    {
      schema: {
        tags,
        summary:
          'Add a detector: a Label Studio ML backend (checked with GET /health) or the image-quality one',
        params: IdParams,
        body: NewDetector,
        response: { 201: Detector, ...errors(400, 401, 403, 404, 409, 422) },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await detections.addDetector(actorOf(request), request.params.id, request.body)),
  );

  app.delete(
    '/api/projects/:id/detectors/:detector_id',
    {
      schema: {
        tags,
        summary: 'Remove a detector (its detections stay)',
        params: DetectorParams,
        response: { 204: Type.Null(), ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      await detections.removeDetector(actorOf(request), request.params.id, request.params.detector_id);
      return reply.status(204).send(null);
    },
  );

  app.put(
    '/api/organizations/:id/memberships/:user_id/job-role',
    {
      schema: {
        tags,
        summary: "Set a member's job role: contractor, insurance_adjuster, project_manager, or null",
        description:
          'What each job role allows on the projects the member has a role on: docs/permissions.md.',
        params: JobRoleParams,
        body: JobRoleBody,
        response: {
          200: Type.Object({ user_id: Type.Integer(), job_role: Type.Union([Type.String(), Type.Null()]) }),
          ...errors(400, 401, 403, 404),
        },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      const { id, user_id } = request.params;
      return inScope(
        database.db,
        { organizationId: id, userId: actor.userId, requireMembership: true },
        async (tx) => {
          await authorize(tx, { ...actor, organizationId: id }, 'organization.members.manage', [id]);
          const row = await tx
            .updateTable('organization_members')
            .set({ job_role: request.body.job_role, updated_at: sql`now()` })
            .where('organization_id', '=', id)
            .where('user_id', '=', user_id)
            .returning(['user_id', 'job_role'])
            .executeTakeFirst();
          if (!row) throw new AppError('not_found', `user ${user_id} is not a member of organization ${id}`);
          return row;
        },
      );
    },
  );
}
