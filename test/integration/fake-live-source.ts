/**
 * A LiveSource that measures nothing, for the page server's tests: the test emits its events and
 * reads the controls that reached it.
 */
import type { LiveControl, LiveEvent, LiveSource, SessionEvent } from '../../bench/live/events.ts';
import type { LooplabError } from '../../core/errors.ts';

export class FakeSource implements LiveSource {
  readonly controls: LiveControl[] = [];
  readonly listeners = new Set<(e: LiveEvent) => void>();
  /** What control() throws next, once. */
  refuseNext: LooplabError | undefined;
  session: SessionEvent = {
    type: 'session',
    version: 1,
    scenario: 'busy-wait',
    variants: ['sync', 'async'],
    paramSpecs: { ms: { default: 20, unit: 'ms', min: 1, max: 10_000, description: 'time' } },
    params: { ms: 20 },
    connections: 10,
    state: 'running',
    startEpochMs: Date.now(),
    frameIntervalMs: 250,
    alternate: false,
  };
  describe(): SessionEvent {
    return this.session;
  }
  subscribe(listener: (e: LiveEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  async control(c: LiveControl): Promise<void> {
    const refusal = this.refuseNext;
    this.refuseNext = undefined;
    if (refusal) throw refusal;
    this.controls.push(c);
  }
  async close(): Promise<void> {}
  emit(event: LiveEvent): void {
    for (const l of this.listeners) l(event);
  }
}
