// tap-flat.mjs
//
// SPDX-FileCopyrightText: 2026 The Tincan authors
// SPDX-License-Identifier: GPL-3.0-or-later

// A node:test reporter writing flat TAP 13 for meson (protocol: 'tap'): one "ok"/"not ok" line
// per test, named "suite › test", with errors and output as "#" comments, errors also on
// stderr. Node's own tap reporter nests subtests by indentation (TAP 14), which meson reports
// as unknown lines and counts as one result per describe().
//
//   node --test --test-reporter=./tap-flat.mjs interop-events.mjs
//
// Shared by the interop and browser tests (tests/meson.build); a test file's own stderr is
// passed on too, which is where one that cannot even load says why.

import { inspect } from 'node:util';

function comment (text) {
  return String(text).replace(/\n$/, '').split('\n').map((line) => `# ${line}\n`).join('');
}

function describeError (error) {
  // node:test wraps what the test threw; show that, with its stack, message and diff.
  const cause = error?.failureType === 'testCodeFailure' || error?.code === 'ERR_TEST_FAILURE'
    ? error.cause ?? error
    : error;
  const kind = error?.failureType && error.failureType !== 'testCodeFailure' ? `${error.failureType}: ` : '';

  return kind + (cause instanceof Error ? (cause.stack ?? cause.message) : inspect(cause, { depth: 6 }));
}

export default async function * tapFlat (source) {
  // Children are reported before their suite (post-order), so a line's full name is known
  // when the top-level test ends.
  const pending = [];
  let number = 0;

  yield 'TAP version 13\n';
  for await (const { type, data } of source) {
    switch (type) {
      case 'test:pass':
      case 'test:fail': {
        const failed = type === 'test:fail';
        const isSuite = data.details?.type === 'suite';

        // Post-order: what still waits for a parent one level down is this test's.
        for (const entry of pending)
          if (entry.depth === data.nesting + 1) {
            entry.path.unshift(data.name);
            entry.depth = data.nesting;
          }

        // A suite's own line only when it failed by itself (a hook, or a load error).
        if (!isSuite || (failed && data.details?.error?.failureType !== 'subtestsFailed')) {
          pending.push({
            depth: data.nesting,
            path: [isSuite ? `${data.name} (suite)` : data.name],
            failed,
            skip: data.skip,
            todo: data.todo,
            error: failed ? describeError(data.details?.error) : null,
            duration: data.details?.duration_ms,
          });
        }
        if (data.nesting === 0) {
          for (const entry of pending.splice(0)) {
            let line = `${entry.failed ? 'not ok' : 'ok'} ${++number} - ${entry.path.join(' › ').replace(/#/g, '\\#')}`;

            if (entry.skip !== undefined && entry.skip !== false)
              line += ` # SKIP ${entry.skip === true ? '' : entry.skip}`;
            else if (entry.todo !== undefined && entry.todo !== false)
              line += ` # TODO ${entry.todo === true ? '' : entry.todo}`;
            yield `${line}\n`;
            if (entry.error) {
              yield comment(entry.error);
              // meson --print-errorlogs shows stderr, not the TAP stream.
              process.stderr.write(`${line}\n${entry.error}\n\n`);
            }
          }
        }
        break;
      }

      case 'test:stdout':
        yield comment(data.message);
        break;

      // Also on stderr, which meson --print-errorlogs shows: that is where a test file that
      // cannot even load (missing packages, no Chromium) says why.
      case 'test:stderr':
        process.stderr.write(data.message);
        yield comment(data.message);
        break;

      case 'test:diagnostic':
        if (data.nesting === 0)
          yield comment(data.message);
        break;

      default:
        break;
    }
  }
  yield `1..${number}\n`;
}
