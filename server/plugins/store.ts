/**
 * The store as an app decorator (`app.store`). The app owns the store it is given: it is closed in
 * `onClose`, after every other plugin's close hooks (running solves finish writing first).
 */
import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import type { Store } from '../store/types.js';

declare module 'fastify' {
  interface FastifyInstance {
    store: Store;
  }
}

export interface StorePluginOptions {
  store: Store;
}

/** Decorates the app with `store` and closes it when the app closes. */
export const storePlugin = fp(async (app: FastifyInstance, options: StorePluginOptions) => {
  app.decorate('store', options.store);
  app.addHook('onClose', async () => {
    await options.store.close();
  });
}, { name: 'yizhan-store', fastify: '5.x' });
