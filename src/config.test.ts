import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, loadConfig } from './config.ts';

test('defaults apply when the environment is empty', () => {
  const c = loadConfig({});
  assert.equal(c.PORT, 8080);
  assert.equal(c.DATA_DIR, './data');
  assert.equal(c.DATABASE_URL, undefined);
  assert.equal(c.LOG_LEVEL, 'info');
});

test('values are converted to their types; empty strings count as unset', () => {
  const c = loadConfig({ PORT: '9000', DB_POOL_MAX: '4', DATABASE_URL: '', LOG_LEVEL: 'debug' });
  assert.equal(c.PORT, 9000);
  assert.equal(c.DB_POOL_MAX, 4);
  assert.equal(c.DATABASE_URL, undefined);
  assert.equal(c.LOG_LEVEL, 'debug');
});

for (const [name, value, expected] of [
  ['PORT', 'eighty', /invalid PORT: expected an integer 0-65535/],
  ['PORT', '70000', /invalid PORT/],
  [
    'DATABASE_URL',
    'mysql://x',
    /invalid DATABASE_URL: expected postgres:\/\/user:password@host:5432\/database/,
  ],
  ['LOG_LEVEL', 'loud', /invalid LOG_LEVEL: expected one of/],
  ['BODY_LIMIT', '10', /invalid BODY_LIMIT/],
] as const) {
  test(`a bad ${name} (${value}) names the variable and the expected form`, () => {
    assert.throws(
      () => loadConfig({ [name]: value }),
      (err: unknown) => {
        assert.ok(err instanceof ConfigError);
        assert.match(err.message, expected);
        assert.ok(!err.message.includes('\n'), 'one line');
        return true;
      },
    );
  });
}
