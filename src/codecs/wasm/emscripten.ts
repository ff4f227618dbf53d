/**
 * Loading the Emscripten builds of the codec libraries from node_modules (their
 * .wasm files sit beside the .js that loads them) and calling into them safely.
 */
import { createRequire } from 'node:module';
import { CodecError } from '../codec.js';

const require = createRequire(import.meta.url);

/** The argument every Emscripten module factory takes: without print hooks the libraries write to stdout. */
interface ModuleArg {
  print(line: string): void;
  printErr(line: string): void;
}

type ModuleFactory<M> = (arg: ModuleArg) => Promise<M>;

/** A loaded module and what it printed during the current call. */
export interface WasmModule<M> {
  readonly exports: M;
  readonly output: string[];
}

/**
 * A memoized loader: the module is instantiated on first use, once per thread
 * (worker threads each load their own), and again after it aborted.
 */
export class WasmLoader<M> {
  readonly #specifier: string;
  #loading: Promise<WasmModule<M>> | undefined;

  constructor(specifier: string) {
    this.#specifier = specifier;
  }

  load(): Promise<WasmModule<M>> {
    this.#loading ??= this.#instantiate();
    return this.#loading;
  }

  async #instantiate(): Promise<WasmModule<M>> {
    const factory = require(this.#specifier) as ModuleFactory<M>;
    const output: string[] = [];
    // A fresh argument object per module: the factory writes its exports onto it.
    const exports = await factory({ print: (line) => output.push(line), printErr: (line) => output.push(line) });
    return { exports, output };
  }

  /**
   * Runs `call` against the module, turning whatever it throws (a C++
   * exception surfaces as a bare number) into a CodecError that quotes what
   * the library printed. An abort leaves the module unusable, so the next
   * call instantiates a new one.
   */
  run<T>(wasm: WasmModule<M>, what: string, call: (exports: M) => T): T {
    wasm.output.length = 0;
    let result: T;
    try {
      result = call(wasm.exports);
    } catch (e) {
      if (e instanceof WebAssembly.RuntimeError) this.#loading = undefined;
      throw new CodecError(`${what} failed: ${errorsPrinted(wasm.output) || describe(e)}`, { cause: e });
    }
    // OpenJPEG's wrapper reports some failures only by printing "[ERROR] ..." and returning.
    const printed = errorsPrinted(wasm.output);
    if (printed) throw new CodecError(`${what} failed: ${printed}`);
    return result;
  }
}

function errorsPrinted(output: readonly string[]): string {
  return output.filter((line) => line.startsWith('[ERROR]')).join('; ');
}

function describe(thrown: unknown): string {
  if (typeof thrown === 'number') return 'the library raised a C++ exception';
  return thrown instanceof Error ? thrown.message : String(thrown);
}

/** An Embind object: C++ memory stays allocated until delete(). */
export interface EmbindObject {
  delete(): void;
}

/** A byte array of our own from a view the library returned (often into its memory, which the next call may reuse). */
export function ownBytes(view: ArrayBufferView): Uint8Array {
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength).slice();
}

/** Runs `use` on a new Embind object and deletes the object afterwards, whatever happens. */
export function using<T extends EmbindObject, R>(object: T, use: (object: T) => R): R {
  try {
    return use(object);
  } finally {
    object.delete();
  }
}
