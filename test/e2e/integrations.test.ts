// The integrations screens in a real browser: connect an ML backend (a small fake label-studio-ml server on
// 127.0.0.1) and see it healthy; add a local-files source storage over a directory of two JSON task files,
// check it, sync it (the job's progress followed) and see the tasks in the data manager; retrieve the
// model's predictions for them; switch on interactive pre-annotation and set a basic-auth password (never
// shown back); walk an order from draft through submitted and approved (a contract attached and signed) to
// in progress; the read-only
// payments and billing page; CONLL2003 offered on the export screen of a text NER project only.
// axe-core on each new page and a screenshot of each in artefacts/e2e (integrations-*.png).
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type Fake, fakeBackend, TEXT_CONFIG } from '../../src/modules/ml/ml.test-kit.ts';
import { signUp } from '../http-factories.ts';
import { kind, missing, startWorld, type World } from './world.ts';

const NER_CONFIG =
  '<View><Labels name="label" toName="text"><Label value="PER"/><Label value="ORG"/></Labels><Text name="text" value="$text"/></View>';

async function eventually(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out waiting for the change to be saved');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe(`integrations screens end to end [${kind}]`, {
  skip: missing ? `skipped: ${missing}` : false,
}, () => {
  let world: World;
  let model: Fake;
  let root: string;
  before(async () => {
    root = mkdtempSync(path.join(tmpdir(), 'gt-e2e-storage-'));
    model = await fakeBackend('good');
    world = await startWorld({ WEBHOOK_ALLOW_PRIVATE: 'true', STORAGE_LOCAL_ROOT: root });
  });
  after(async () => {
    await world?.close();
    await model?.close();
    rmSync(root, { recursive: true, force: true });
  });

  test('ML backend, local storage sync, predictions, an order through two transitions, billing', async () => {
    const { app } = world;
    const owner = await signUp(app);
    const h = owner.headers;
    const project = async (title: string, label_config: string) => {
      const created = await app.inject({
        method: 'POST',
        url: '/api/projects',
        headers: h,
        payload: { title, label_config },
      });
      assert.equal(created.statusCode, 201, created.body);
      const id = created.json().id as number;
      const modules = await app.inject({
        method: 'PUT',
        url: `/api/projects/${id}/modules`,
        headers: h,
        payload: { enabled: ['annotation'] },
      });
      assert.equal(modules.statusCode, 200, modules.body);
      return id;
    };
    const projectId = await project('Reviews', TEXT_CONFIG);
    const nerId = await project('News entities', NER_CONFIG);
    const dir = path.join(root, 'reviews');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'a.json'), JSON.stringify({ text: 'first review from the bucket' }));
    writeFileSync(
      path.join(dir, 'b.json'),
      JSON.stringify({ data: { text: 'second review from the bucket' } }),
    );

    const mlList = async () =>
      (await app.inject({ method: 'GET', url: `/api/ml?project=${projectId}`, headers: h })).json();

    const { context, page } = await world.newContext();
    await world.signIn(page, owner);

    // Cloud storage, from the project page: empty, then a local-files source checked, added and synced.
    await page.goto(`/projects/${projectId}`);
    await page.getByRole('link', { name: 'Cloud storage', exact: true }).click();
    await page.getByRole('heading', { name: 'Reviews · Cloud storage' }).waitFor();
    await page.getByText('No source storage').waitFor();
    await world.accessible(page, 'storages, empty');
    await page.getByRole('button', { name: 'Add source storage' }).click();
    await page.getByLabel('Provider').selectOption('localfiles');
    await page.getByLabel('Title').fill('Review files');
    await page.getByLabel('Directory').fill(dir);
    await page.getByLabel('File filter (regular expression)').fill('\\.json$');
    await page.getByRole('button', { name: 'Check connection' }).click();
    await page.getByText('Connection works').waitFor();
    await world.accessible(page, 'storages, add form');
    await world.snap(page, 'integrations-01-storage-form');
    await page.getByRole('button', { name: 'Add source', exact: true }).click();
    const card = page.getByRole('listitem', { name: 'Review files' });
    await card.waitFor();
    await card.getByRole('button', { name: 'Sync Review files' }).click();
    await card.getByText('2 tasks created').waitFor();
    await card.getByText('Synced', { exact: true }).waitFor();
    await world.accessible(page, 'storages, synced');
    await world.snap(page, 'integrations-02-storage-synced');
    const stored = await app.inject({ method: 'GET', url: `/api/storages?project=${projectId}`, headers: h });
    assert.equal(stored.json()[0].last_sync_count, 2);
    assert.equal(stored.json()[0].status, 'completed');
    // Edit keeps the stored fields; the title changes.
    await card.getByRole('button', { name: 'Edit Review files' }).click();
    assert.equal(await card.getByLabel('Directory').inputValue(), dir);
    await card.getByLabel('Title').fill('Review JSON files');
    await card.getByRole('button', { name: 'Save storage' }).click();
    await page.getByRole('listitem', { name: 'Review JSON files' }).getByText('2 tasks created').waitFor();

    // The synced tasks in the data manager.
    await page.getByRole('link', { name: 'Labeling', exact: true }).click();
    await page.getByText('first review from the bucket').waitFor();
    await page.getByText('second review from the bucket').waitFor();
    assert.equal(await page.locator('tbody tr[data-task]').count(), 2);

    // ML backends: connect the fake model, see it connected and healthy, retrieve its predictions.
    await page.goto(`/projects/${projectId}`);
    await page.getByRole('link', { name: 'ML backends', exact: true }).click();
    await page.getByRole('heading', { name: 'Reviews · ML backends' }).waitFor();
    await page.getByText('No ML backends connected').waitFor();
    await world.accessible(page, 'ML backends, empty');
    await page.getByLabel('URL').fill(model.url);
    await page.getByLabel('Title').fill('Sentiment model');
    await page.getByRole('button', { name: 'Connect backend' }).click();
    const backend = page.getByRole('listitem', { name: 'Sentiment model' });
    await backend.getByText('Connected').waitFor();
    await backend.getByRole('button', { name: 'Check health' }).click();
    await backend.getByText('Health: UP (FakeModel)').waitFor();
    await backend.getByRole('button', { name: 'Model versions' }).click();
    await backend.getByText('fake-v0').waitFor();
    await backend.getByRole('button', { name: 'Retrieve predictions for all tasks' }).click();
    await backend.getByText('2 predicted, 0 failed of 2').waitFor();
    await backend.getByRole('button', { name: 'Start training' }).click();
    await backend.getByText('sent to the model').waitFor();
    await world.accessible(page, 'ML backends');
    await world.snap(page, 'integrations-03-ml-backend');
    assert.ok(model.received.some((r) => r.path === '/predict'));
    assert.ok(
      model.received.some(
        (r) => r.path === '/webhook' && (r.body as { action?: string })?.action === 'START_TRAINING',
      ),
    );
    const predictions = await app.inject({
      method: 'GET',
      url: `/api/predictions?project=${projectId}`,
      headers: h,
    });
    assert.equal(predictions.statusCode, 200, predictions.body);
    assert.equal((predictions.json() as unknown[]).length, 2);

    // Interactive pre-annotation switched on; basic auth set through Edit: the password is stored and
    // never shown back (the card says it is set, the edit form's field stays empty).
    const backendId = ((await mlList()) as { id: number }[])[0]!.id;
    await backend.getByLabel('Interactive pre-annotation').click();
    await eventually(async () => ((await mlList()) as { is_interactive: boolean }[])[0]!.is_interactive);
    await backend.getByRole('button', { name: 'Edit' }).click();
    await backend.getByLabel('Authentication').selectOption('BASIC_AUTH');
    await backend.getByLabel('Basic auth user').fill('ml');
    await backend.getByLabel('Basic auth password').fill('s3cret-pass');
    await backend.getByRole('button', { name: 'Save backend' }).click();
    await backend.getByText('basic auth as ml (password set)').waitFor();
    const one = await app.inject({ method: 'GET', url: `/api/ml/${backendId}`, headers: h });
    assert.equal(one.json().basic_auth_pass_is_set, true);
    assert.doesNotMatch(one.body, /s3cret-pass/);
    await backend.getByRole('button', { name: 'Edit' }).click();
    assert.equal(await backend.getByLabel('Basic auth password').inputValue(), '');
    await backend.getByRole('button', { name: 'Cancel' }).click();

    // Orders: create one, submit it, approve it (the owner is both client and staff).
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Orders' }).click();
    await page.getByRole('heading', { name: 'Orders', exact: true }).waitFor();
    await page.getByText('No orders').waitFor();
    await world.accessible(page, 'orders, empty');
    await page.getByRole('button', { name: 'New order' }).click();
    await page.getByLabel('Project name').fill('Street scenes');
    await page.getByLabel('Project type').fill('segmentation');
    await page.getByLabel('Total cost').fill('1250.50');
    await page.getByLabel('Estimated data volume (items)').fill('5000');
    await world.accessible(page, 'orders, new order form');
    await world.snap(page, 'integrations-04-order-form');
    await page.getByRole('button', { name: 'Create order' }).click();
    await page.getByRole('heading', { name: 'Street scenes' }).waitFor();
    const orderId = Number(/\/orders\/(\d+)$/.exec(page.url())?.[1]);
    assert.ok(orderId > 0);
    await page.getByText('Status: Draft').waitFor();
    // A draft can still change.
    await page.getByRole('button', { name: 'Edit order' }).click();
    await page.getByLabel('Timeline').fill('6 weeks');
    await page.getByRole('button', { name: 'Save order' }).click();
    await page.getByText('6 weeks').waitFor();
    await page.getByLabel('Note (optional)').fill('start in May');
    await page.getByRole('button', { name: 'Submit for review' }).click();
    await page.getByText('Status: Submitted').waitFor();
    await page.getByText('start in May').waitFor();
    await page.getByRole('button', { name: 'Approve' }).click();
    await page.getByText('Status: Approved').waitFor();
    await page.getByRole('link', { name: "open the order's project" }).waitFor();
    await world.accessible(page, 'order, approved');
    await world.snap(page, 'integrations-05-order-approved');
    // A contract attached (uploaded here) and signed; then the work can start.
    await page.getByLabel('Contract file (PDF or document)').setInputFiles({
      name: 'contract.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.from('%PDF-1.4 the contract'),
    });
    await page.getByLabel('Terms and conditions').fill('Net 30');
    await page.getByRole('button', { name: 'Attach contract' }).click();
    await page.getByRole('button', { name: /^Sign contract #\d+$/ }).click();
    await page.getByText(/^Signed /).waitFor();
    await page.getByRole('button', { name: 'Start work' }).click();
    await page.getByText('Status: In progress').waitFor();
    await world.accessible(page, 'order, in progress');
    await world.snap(page, 'integrations-06-order-started');
    const order = await app.inject({ method: 'GET', url: `/api/orders/${orderId}`, headers: h });
    assert.equal(order.json().status, 'in_progress');
    assert.equal(order.json().total_cost, '1250.50');
    assert.ok(order.json().project > 0);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Orders' }).click();
    await page.getByRole('link', { name: 'Street scenes' }).waitFor();
    await world.accessible(page, 'orders');
    await world.snap(page, 'integrations-07-orders');

    // Payments and billing: read-only lists.
    await page.getByRole('link', { name: 'Payments and billing', exact: true }).click();
    await page.getByRole('heading', { name: 'Payments and billing' }).waitFor();
    await page.getByText('No payments recorded').waitFor();
    await world.accessible(page, 'payments and billing');
    await world.snap(page, 'integrations-08-billing');

    // CONLL2003 is offered for the text NER project, not for the Choices one.
    await page.goto(`/projects/${nerId}/labeling/export`);
    const ner = page.getByLabel('Format');
    await ner.waitFor();
    assert.ok((await ner.locator('option').allTextContents()).some((o) => o.startsWith('CONLL2003')));
    await page.goto(`/projects/${projectId}/labeling/export`);
    const plain = page.getByLabel('Format');
    await plain.waitFor();
    assert.ok(!(await plain.locator('option').allTextContents()).some((o) => o.startsWith('CONLL2003')));
    await context.close();

    // Phone width: the new screens fit without sideways scrolling.
    const phone = await world.newContext(390, 844);
    await world.signIn(phone.page, owner);
    for (const [url, ready, name] of [
      [`/projects/${projectId}/storages`, '2 tasks created', 'storages'],
      [`/projects/${projectId}/ml`, '2 predicted, 0 failed of 2', 'ml'],
      [`/orders/${orderId}`, 'Net 30', 'order'],
      ['/billing', 'No payments recorded.', 'billing'],
    ] as const) {
      await phone.page.goto(url);
      await phone.page.getByText(ready).waitFor();
      await world.snap(phone.page, `integrations-09-phone-${name}`);
      const wide = await phone.page.evaluate(`[...document.querySelectorAll('#main *')]
        .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1)
        .slice(-3).map((e) => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))`);
      assert.ok((await world.overflow(phone.page)) <= 0, `${name} scrolls sideways at phone width: ${wide}`);
    }
    await phone.context.close();
    assert.deepEqual(world.problems, []);
  });
});
