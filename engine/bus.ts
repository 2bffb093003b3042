import type { EngineEvent } from "./events.ts";

/** A subscriber's callback; it must return quickly and never throw on purpose. */
export type BusListener = (event: EngineEvent) => void;

/**
 * Broadcast channel for engine events. Delivery is synchronous and in order;
 * listeners that need to do slow work (sockets, mail) queue it themselves, so
 * a slow consumer never slows the publisher.
 *
 * @example
 * ```ts
 * const bus = new EventBus();
 * const off = bus.subscribe((e) => console.log(e.type));
 * off();
 * ```
 */
export class EventBus {
  #listeners = new Set<BusListener>();
  #onListenerError: (error: unknown, event: EngineEvent) => void;

  constructor(options: { onListenerError?: (error: unknown, event: EngineEvent) => void } = {}) {
    this.#onListenerError = options.onListenerError ??
      ((error, event) => console.error(`bus listener failed on a '${event.type}' event`, error));
  }

  /** Delivers `event` to every listener; a throwing listener is reported, the rest still get it. */
  publish(event: EngineEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch (error) {
        this.#onListenerError(error, event);
      }
    }
  }

  /** Adds a listener; returns the function that removes it. */
  subscribe(listener: BusListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  get listenerCount(): number {
    return this.#listeners.size;
  }
}
