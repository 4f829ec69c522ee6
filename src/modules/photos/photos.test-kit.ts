// Helpers for the photos tests: real JPEGs with EXIF and multipart bodies (shared with the demo seed), and the
// calls the detection, review and collection tests make through HTTP.
import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import type { Person } from '../../../test/http-factories.ts';
import type { App } from '../../platform/http/app-types.ts';
import { photoForm } from './demo-images.ts';

export { jpeg, photoForm } from './demo-images.ts';

export interface PhotoCalls {
  call(
    person: Person | Record<string, string>,
    method: string,
    url: string,
    payload?: object,
  ): Promise<LightMyRequestResponse>;
  newProject(person: Person): Promise<number>;
  upload(headers: Record<string, string>, project: number, bytes: Buffer): Promise<LightMyRequestResponse>;
  /** Waits until every job of the project has finished, with a detect job for each processed photo. */
  jobsDone(person: Person, project: number): Promise<{ state: string; kind: string }[]>;
}

export function photoCalls(app: App): PhotoCalls {
  const call: PhotoCalls['call'] = (person, method, url, payload) =>
    app.inject({
      method: method as 'GET',
      url,
      headers: 'headers' in person ? (person as Person).headers : (person as Record<string, string>),
      ...(payload && { payload }),
    });
  return {
    call,
    async newProject(person) {
      const res = await call(person, 'POST', '/api/projects', {
        title: `site ${Math.random().toString(36).slice(2)}`,
      });
      assert.equal(res.statusCode, 201, res.body);
      return res.json().id as number;
    },
    async upload(headers, project, bytes) {
      const form = await photoForm(bytes);
      return app.inject({
        method: 'POST',
        url: `/api/projects/${project}/photos`,
        headers: { ...headers, ...form.headers },
        payload: form.payload,
      });
    },
    async jobsDone(person, project) {
      for (let i = 0; i < 160; i++) {
        const res = await call(person, 'GET', `/api/jobs?project=${project}&page_size=100`);
        const jobs = res.json().results as { state: string; kind: string }[];
        if (jobs.length && jobs.every((j) => j.state === 'succeeded' || j.state === 'failed')) {
          const process = jobs.filter((j) => j.kind === 'photos.process').length;
          const detect = jobs.filter((j) => j.kind === 'photos.detect').length;
          if (detect >= process) return jobs;
        }
        await new Promise((r) => setTimeout(r, 250));
      }
      throw new Error('jobs did not finish');
    },
  };
}
