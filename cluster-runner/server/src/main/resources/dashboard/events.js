// Follows a release's event stream. EventSource cannot send an Authorization header (and a token in its URL would
// end up in logs and history), so this reads the text/event-stream answer of fetch() with a stream reader, and
// after a dropped connection asks again with Last-Event-ID, as EventSource would.
import { path } from './api.js';

const TERMINAL_EVENTS = new Set(['ReleaseSucceeded', 'ReleaseFailed', 'ReleaseRolledBack', 'ReleaseAborted']);
const RETRY_FIRST_MS = 500;
const RETRY_MAX_MS = 10000;

/**
 * Calls onEvent(event) for every event of the release, replayed from the start then live, until the terminal event
 * or stop(). onState(state) hears 'live', 'reconnecting' and 'ended'.
 */
export function followEvents(api, releaseId, { onEvent, onState = () => {} }) {
  const abort = new AbortController();
  let lastId = 0;
  let ended = false;

  const deliver = (frame) => {
    let event;
    try {
      event = JSON.parse(frame.data);
    } catch {
      return;
    }
    if (frame.id !== null) {
      lastId = Number(frame.id);
    }
    onEvent(event);
    if (TERMINAL_EVENTS.has(event.type)) {
      ended = true;
    }
  };

  (async () => {
    let delay = RETRY_FIRST_MS;
    while (!ended && !abort.signal.aborted) {
      try {
        const headers = api.headers({ Accept: 'text/event-stream' });
        if (lastId > 0) {
          headers['Last-Event-ID'] = String(lastId);
        }
        const rsp = await fetch(path.events(releaseId), {
          headers, signal: abort.signal, cache: 'no-store', credentials: 'omit',
        });
        if (rsp.status === 401) {
          api.onUnauthorized(new Error('the runner no longer accepts this token'));
          return;
        }
        if (!rsp.ok) {
          throw new Error(`the event stream answered ${rsp.status}`);
        }
        onState('live');
        delay = RETRY_FIRST_MS;
        await readFrames(rsp.body, deliver, () => ended);
      } catch (e) {
        if (abort.signal.aborted) {
          return;
        }
      }
      if (ended) {
        break;
      }
      onState('reconnecting');
      await pause(delay, abort.signal);
      delay = Math.min(delay * 2, RETRY_MAX_MS);
    }
    if (ended) {
      onState('ended');
    }
  })();

  return { stop: () => abort.abort() };
}

/** Reads SSE frames (blocks separated by a blank line) until the stream ends or done() says so. */
async function readFrames(body, onFrame, done) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  try {
    for (;;) {
      const { value, done: closed } = await reader.read();
      if (closed) {
        return;
      }
      buffer = (buffer + value).replace(/\r\n?/g, '\n');
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const frame = parseFrame(buffer.slice(0, end));
        buffer = buffer.slice(end + 2);
        if (frame) {
          onFrame(frame);
        }
        if (done()) {
          return;
        }
      }
    }
  } finally {
    reader.cancel().catch(() => {});
  }
}

/** One SSE block: comment lines (keepalives) are skipped; a block without data is no event. */
export function parseFrame(block) {
  let id = null;
  let event = 'message';
  const data = [];
  for (const line of block.split('\n')) {
    if (line === '' || line.startsWith(':')) {
      continue;
    }
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) {
      value = value.slice(1);
    }
    if (field === 'id') {
      id = value;
    } else if (field === 'event') {
      event = value;
    } else if (field === 'data') {
      data.push(value);
    }
  }
  return data.length === 0 ? null : { id, event, data: data.join('\n') };
}

function pause(ms, signal) {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
}
