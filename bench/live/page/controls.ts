/// <reference lib="dom" />
/**
 * The page's controls: start, pause and stop, and the knobs (the scenario's own parameters, from
 * its parameter schema, the connections, and under `--rate` the open-model load's rate). Each posts a LiveControl to /control with the token
 * from the page's own address; looplab answers 204, or a JSON error whose message is shown.
 */
import { esc } from '../../render/chart/escape.ts';
import type { LiveControl, SessionEvent, SessionState } from '../events.ts';

const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

/** Sends one control; resolves to the error's message, or null when looplab took it. */
async function post(token: string, control: LiveControl): Promise<string | null> {
  try {
    const res = await fetch('/control', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Looplab-Token': token },
      body: JSON.stringify(control),
    });
    if (res.ok) return null;
    const body = (await res.json().catch(() => null)) as { code?: string; message?: string } | null;
    return body?.message
      ? `${body.message}${body.code ? ` [${body.code}]` : ''}`
      : `looplab answered ${res.status}`;
  } catch {
    return 'looplab did not answer: is it still running?';
  }
}

export interface Controls {
  /** Lays the knobs out for a session, once per set of parameters; keeps what the user typed. */
  showSession(session: SessionEvent): void;
  /** Enables the buttons that make sense in `state`. */
  showState(state: SessionState): void;
}

export function setUpControls(token: string): Controls {
  const error = byId<HTMLParagraphElement>('error');
  let session: SessionEvent | null = null;
  // null until the first session: a session with no parameters (--cmd) is laid out too.
  let laidOut: string | null = null;
  const send = async (control: LiveControl) => {
    error.textContent = '';
    const failed = await post(token, control);
    if (failed) error.textContent = failed;
    return failed === null;
  };
  for (const action of ['start', 'pause', 'stop'] as const)
    byId<HTMLButtonElement>(action).addEventListener('click', () => void send({ action }));

  const form = byId<HTMLFormElement>('knobs');
  /** The Applies, one after another: each compares with what the ones before it had taken. */
  let applying: Promise<void> = Promise.resolve();
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    if (!form.reportValidity() || !session) return;
    // Read now, before any await: the form may change while an earlier Apply is under way.
    const values: Record<string, number> = {};
    for (const name of Object.keys(session.paramSpecs)) {
      const input = form.elements.namedItem(`p-${name}`) as HTMLInputElement | null;
      if (input) values[name] = Number(input.value);
    }
    const connections = Number(byId<HTMLInputElement>('connections').value);
    const rate = Number(byId<HTMLInputElement>('rate').value);
    applying = applying.then(async () => {
      if (!session) return;
      const params: Record<string, number> = {};
      for (const [name, value] of Object.entries(values))
        if (value !== session.params[name]) params[name] = value;
      const changed = session.connections !== null && connections !== session.connections;
      const rateChanged = session.rate != null && rate !== session.rate;
      // Taken: what the page compares the next Apply with (no session event follows a control),
      // so that a knob turned back (ms 50 → 20) is sent, and an unchanged one is not sent again.
      if (Object.keys(params).length > 0 && (await send({ action: 'params', params })) && session)
        session.params = { ...session.params, ...params };
      if (changed && (await send({ action: 'connections', connections })) && session)
        session.connections = connections;
      if (rateChanged && (await send({ action: 'rate', rate })) && session) session.rate = rate;
    });
  });

  return {
    showSession(next) {
      session = next;
      const names = Object.keys(next.paramSpecs).join(' ');
      if (names !== laidOut) {
        laidOut = names;
        byId('params').innerHTML = Object.entries(next.paramSpecs)
          .map(([name, spec]) => {
            const range = `${spec.min === undefined ? '' : ` min="${spec.min}"`}${spec.max === undefined ? '' : ` max="${spec.max}"`}`;
            const step = spec.integer || spec.unit !== 'ms' ? '1' : 'any';
            return `<div class="knob"><label for="p-${esc(name)}">${esc(name)}</label><input id="p-${esc(name)}" name="p-${esc(name)}" type="number"${range} step="${step}" required value="${next.params[name] ?? spec.default}" aria-describedby="d-${esc(name)}"><span class="unit">${esc(spec.unit)}</span><small id="d-${esc(name)}">${esc(spec.description)}</small></div>`;
          })
          .join('');
        const c = byId<HTMLInputElement>('connections');
        c.value = String(next.connections ?? '');
        byId('connections-knob').hidden = next.connections === null;
        byId<HTMLInputElement>('rate').value = String(next.rate ?? '');
        byId('rate-knob').hidden = next.rate == null;
        byId<HTMLInputElement>('rate').disabled = next.rate == null;
        // Nothing to turn (--cmd --no-load): no knobs at all, rather than an Apply that does nothing.
        // A lesson's runs (lesson --live) are the lesson's: the page only watches them.
        form.hidden = Boolean(next.lesson) || (names === '' && next.connections === null);
        for (const id of ['start', 'pause', 'stop'])
          byId<HTMLButtonElement>(id).hidden = Boolean(next.lesson);
      }
    },
    showState(state) {
      byId<HTMLButtonElement>('start').disabled = state === 'running' || state === 'stopped';
      byId<HTMLButtonElement>('pause').disabled = state !== 'running';
      byId<HTMLButtonElement>('stop').disabled = state === 'stopped';
      byId<HTMLButtonElement>('apply').disabled = state === 'stopped';
    },
  };
}
