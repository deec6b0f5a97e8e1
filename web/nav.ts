/**
 * What the views share with the router: the page context and `go`, kept apart from main.ts so
 * that the views do not import the router that imports them.
 */
import type { Me } from './api.js';

export type NoticeKind = 'info' | 'error' | 'ok';

export interface Context {
  me: Me;
  main: HTMLElement;
  /** Shows a message in the page's live region; `kind` colours it. */
  notify(text: string, kind?: NoticeKind): void;
}

/** A message to show on the next page (e.g. after a redirect). */
let pending: { text: string; kind: NoticeKind } | null = null;
let rerender: () => void = () => {};

/** The router's render, called by `go` when the hash does not change. */
export function setRenderer(render: () => void): void {
  rerender = render;
}

/** The message waiting for the page being drawn, once. */
export function takePendingNotice(): { text: string; kind: NoticeKind } | null {
  const p = pending;
  pending = null;
  return p;
}

/** Opens `hash` and shows `text` there. */
export function go(hash: string, text?: string, kind: NoticeKind = 'info'): void {
  if (text) pending = { text, kind };
  if (location.hash === hash) rerender(); else location.hash = hash;
}
