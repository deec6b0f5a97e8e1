/**
 * Fastify's own schema compilers (Ajv for validation, fast-json-stringify for responses), made
 * lazy: a route's validator or serializer is compiled on its first request instead of at
 * `app.ready()`. Compiling all of them at start cost about half a CPU second of every
 * `yizhan serve`; a route that is never called now costs nothing. The compiled functions, their
 * options and their errors are Fastify's defaults, unchanged.
 */
import ajvCompiler from '@fastify/ajv-compiler';
import serializerCompiler from '@fastify/fast-json-stringify-compiler';
import type { FastifyServerOptions } from 'fastify';

type Validate = ((data: unknown) => unknown) & { errors?: unknown };

/** Defers `build()` to the first call of the function it returns; later calls go straight to it. */
function deferValidator(build: () => Validate): Validate {
  let compiled: Validate | undefined;
  const validate: Validate = (data) => {
    compiled ??= build();
    const result = compiled(data);
    validate.errors = compiled.errors; // Fastify reads a failed validation's errors from the function
    return result;
  };
  return validate;
}

function deferSerializer(build: () => (doc: unknown) => string): (doc: unknown) => string {
  let compiled: ((doc: unknown) => string) | undefined;
  return (doc) => (compiled ??= build())(doc);
}

type SchemaControllerOptions = NonNullable<FastifyServerOptions['schemaController']>;

/** The `schemaController` server option that compiles each route's schemas on first use. */
export function lazySchemaController(): SchemaControllerOptions {
  const buildValidator = ajvCompiler();
  const buildSerializer = serializerCompiler();
  return {
    compilersFactory: {
      buildValidator: ((externalSchemas: unknown, options: unknown) => {
        const compile = (buildValidator as (e: unknown, o: unknown) => (route: unknown) => Validate)(externalSchemas, options);
        return (route: unknown) => deferValidator(() => compile(route));
      }) as unknown as NonNullable<SchemaControllerOptions['compilersFactory']>['buildValidator'],
      buildSerializer: ((externalSchemas: unknown, options: unknown) => {
        const compile = (buildSerializer as (e: unknown, o: unknown) => (route: unknown) => (doc: unknown) => string)(externalSchemas, options);
        return (route: unknown) => deferSerializer(() => compile(route));
      }) as unknown as NonNullable<SchemaControllerOptions['compilersFactory']>['buildSerializer'],
    },
  };
}
