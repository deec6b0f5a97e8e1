/**
 * Marks a plugin as not encapsulated (what the `fastify-plugin` package does, without the
 * dependency): its decorators and hooks apply to the parent and its other children.
 */
import type { FastifyPluginAsync } from 'fastify';

/** The plugin itself, marked to share its decorators with the app; `name` shows in errors and `printPlugins()`. */
export function shareWithParent<T extends FastifyPluginAsync<never>>(plugin: T, name: string): T {
  Object.assign(plugin, { [Symbol.for('skip-override')]: true, [Symbol.for('fastify.display-name')]: name });
  return plugin;
}
