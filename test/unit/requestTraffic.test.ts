/**
 * The requests being answered, as the check of closed briefs sees them (server/src/node/requestTraffic.ts):
 * an answer counts until the output has written it, so that no slice of the check runs between
 * the writes of a long answer.
 */
import { strict as assert } from 'assert';
import { QUIET_MS, RequestTraffic } from '../../server/src/node/requestTraffic';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('request traffic', () => {
  it('an answer returned counts as in flight until the output has written it', async () => {
    const traffic = new RequestTraffic();
    traffic.started();
    let release = () => {};
    traffic.returned(() => new Promise<void>((resolve) => (release = resolve)));
    let quiet = false;
    const waited = traffic.quiet().then(() => (quiet = true));
    // Well past the pause the check waits for after an answer, and past its longest wait for a
    // pause in a run of requests, but short of its wait for a request that never ends.
    await sleep(3 * QUIET_MS);
    assert.equal(quiet, false, 'the check went on while the answer was still being written');
    release();
    await waited;
    assert.equal(quiet, true);
  });

  it('asks whether the answer is written from the next turn, once the answer has reached the output', async () => {
    const traffic = new RequestTraffic();
    traffic.started();
    let asked = 0;
    traffic.returned(() => {
      asked++;
      return Promise.resolve();
    });
    assert.equal(asked, 0, 'asked in the turn the answer was returned in, before it was written to the output');
    await nextTurn();
    assert.equal(asked, 1);
  });

  it('without an output to wait for, an answer is out when it is returned', async () => {
    const traffic = new RequestTraffic();
    traffic.started();
    traffic.returned();
    let quiet = false;
    const waited = traffic.quiet().then(() => (quiet = true));
    await sleep(3 * QUIET_MS);
    assert.equal(quiet, true, 'the check waits only for the pause after the answer');
    await waited;
  });
});
