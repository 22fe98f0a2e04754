// The JSON Schemas in schema/ as validators whose errors are Problems with readable paths and messages.
import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { otherKindProblem } from './document-kind.ts';
import type { Problem } from './problems.ts';
import { characters } from '../model/input-bounds.ts';
import { identifierFault } from '../model/identifier-text.ts';
import { closest } from '../model/nearest-name.ts';
import { levelHint } from './level-words.ts';
import { nonLatinNameHint } from './graphql-name-hint.ts';
import { packagePath } from '../package-root.ts';
import { unseen } from './read/texts.ts';

// ajv-formats is CommonJS with a default export; under NodeNext it arrives as the module object.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (
  ajv: Ajv,
) => Ajv;

const ajv = new Ajv({ allErrors: true, verbose: true, strictSchema: true, strictNumbers: true, strictRequired: false, strictTypes: false });
addFormats(ajv);

function load(name: string): ValidateFunction {
  return ajv.compile(JSON.parse(readFileSync(packagePath('schema', name), 'utf8')) as object);
}

const validators = new Map<string, ValidateFunction>();

/** Problems of `doc` against schema/<name>; empty when it conforms, one when it is the other kind of document. */
export function schemaProblems(name: 'platform.schema.json' | 'catalogue.schema.json', doc: unknown): Problem[] {
  let validate = validators.get(name);
  if (!validate) validators.set(name, (validate = load(name)));
  if (validate(doc)) return [];
  const otherKind = otherKindProblem(name, doc); // a platform file where a catalogue belongs, or the reverse
  if (otherKind) return [otherKind];
  const seen = new Set<string>();
  const out: Problem[] = [];
  for (const e of validate.errors ?? []) {
    const p = toProblem(e, doc);
    if (!p) continue;
    const k = p.path + '\u0000' + p.message;
    if (!seen.has(k)) {
      seen.add(k);
      out.push(p);
    }
  }
  return out;
}

/** JSON Pointer `/resources/0/items/3` → `resources[0].items[3]`. */
export function pointerToPath(pointer: string): string {
  let out = '';
  for (const raw of pointer.split('/').slice(1)) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (/^[0-9]+$/.test(seg)) out += `[${seg}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(seg)) out += out ? `.${seg}` : seg;
    // A name's invisible characters written as \\uXXXX, as the problem of the name itself writes them: a
    // key "ti\u200btle" was shown as ["title"]: is not a known property; did you mean "title"?
    else out += `[${JSON.stringify(unseen(seg))}]`;
  }
  return out;
}

function join(path: string, prop: string): string {
  return pointerToPath(path + '/' + prop.replace(/~/g, '~0').replace(/\//g, '~1'));
}

/** A value as it appears in a message: strings quoted, short, a format character or separator written \\uXXXX. */
export function show(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 60 ? v.slice(0, 57) + '...' : v).replace(/[\p{Cf}\p{Zl}\p{Zp}]/gu, (c) => `\\u${c.codePointAt(0)!.toString(16).padStart(4, '0')}`);
  if (Array.isArray(v)) return 'a list';
  if (v === null) return 'null';
  if (typeof v === 'object') return 'an object';
  return String(v);
}

const article: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  integer: 'an integer',
  boolean: 'true or false',
  object: 'an object (a mapping)',
  array: 'a list',
  null: 'null',
};

const DEPARTMENT_CODE = /^[0-9]{6}-[A-Za-z0-9]+$/;
const REGION = /^[0-9]{6}$/;

/**
 * An example of a code written from the document itself, where it says what the code should be: a
 * resource's code from its provider's (`620000-GAT-00001` for 620000-GAT), a platform file's department
 * code from the department's region and the letters written (`620000-GAT` for "62000-GAT" of region
 * 620000). The schemas' own examples are the demo's (`430000-GA-00001`), foreign to any other platform.
 */
function exampleFromDocument(doc: unknown, pointer: string): string | undefined {
  const at = (path: readonly (string | number)[]): unknown =>
    path.reduce<unknown>((v, k) => (v !== null && typeof v === 'object' ? (v as Record<string | number, unknown>)[k] : undefined), doc);
  const resource = /^\/resources\/([0-9]+)\/code$/.exec(pointer);
  if (resource) {
    const provider = at(['resources', Number(resource[1]), 'provider']);
    return typeof provider === 'string' && DEPARTMENT_CODE.test(provider) ? `${provider}-00001` : undefined;
  }
  const department = /^\/departments\/([0-9]+)\/code$/.exec(pointer);
  if (department) {
    const region = at(['departments', Number(department[1]), 'region']);
    const written = at(['departments', Number(department[1]), 'code']);
    const letters = typeof written === 'string' ? /[A-Za-z][A-Za-z0-9]*$/.exec(written)?.[0] : undefined;
    return typeof region === 'string' && REGION.test(region) && letters ? `${region}-${letters}` : undefined;
  }
  return undefined;
}

function expectedForm(schema: Record<string, unknown> | undefined, example?: string): string {
  if (!schema) return 'the expected form';
  const title = typeof schema.title === 'string' ? schema.title : 'the expected form';
  const first = example ?? (Array.isArray(schema.examples) && schema.examples.length ? schema.examples[0] : undefined);
  return first === undefined ? title : `${title} like ${JSON.stringify(first)}`;
}

function toProblem(e: ErrorObject, doc: unknown): Problem | undefined {
  const path = pointerToPath(e.instancePath);
  const params = e.params as Record<string, unknown>;
  const parent = e.parentSchema as Record<string, unknown> | undefined;
  const example = exampleFromDocument(doc, e.instancePath);
  switch (e.keyword) {
    case 'if': // the `then` part reports what is missing
      return undefined;
    case 'required': {
      const why = typeof parent?.description === 'string' && e.schemaPath.includes('/then/') ? ` ${parent.description}` : '';
      return { path: join(e.instancePath, String(params.missingProperty)), message: `is required${why}` };
    }
    case 'additionalProperties': {
      const prop = String(params.additionalProperty);
      const known = Object.keys((parent?.properties as object | undefined) ?? {});
      const guess = closest(prop, known);
      // `{ title: 性别（male 男, female 女）}`: in a flow mapping the comma ends the text, and the rest becomes
      // a key without a value, which names no property of ours (none holds a blank or a non-ASCII letter;
      // `max-page-size:` left empty is a slip of a key, which the guess names).
      const cut = guess === undefined && (e.data as Record<string, unknown>)[prop] === null && /[\s\u{80}-\u{10FFFF}]/u.test(prop);
      if (cut) {
        return {
          path: join(e.instancePath, prop),
          message: `is not a known property; it reads as the end of a text cut at a comma: inside { }, an unquoted text ends at its first comma, so quote a text holding one (title: "a, b")`,
        };
      }
      return {
        path: join(e.instancePath, prop),
        message: guess
          ? `is not a known property; did you mean "${guess}"?`
          : `is not a known property; expected one of: ${known.join(', ')}`,
      };
    }
    case 'type': {
      const want = String(params.type)
        .split(',')
        .map((t) => article[t] ?? t)
        .join(' or ');
      const quote = params.type === 'string' && (typeof e.data === 'number' || typeof e.data === 'boolean');
      // Quoting helps only where the text then has the form asked for (a code, not `per: 60`, which needs a unit).
      const form = typeof parent?.pattern === 'string' && !new RegExp(parent.pattern, 'u').test(String(e.data)) ? expectedForm(parent, example) : undefined;
      const hint = !quote ? '' : form ? ` (a ${form})` : ` (in YAML, quote it: "${String(e.data)}")`;
      return { path, message: `expected ${want}, got ${show(e.data)}${hint}` };
    }
    case 'enum': {
      // A value in the wrong case (`Date`, `API`) or nearly spelt (`conditonal`) names the one meant, as a key does.
      const allowed = (params.allowedValues as unknown[]).map(String);
      const guess = typeof e.data === 'string' ? closest(e.data, allowed) : undefined;
      // A division's own name (`prefecture`, `自治州`, `district`) where a level belongs says which level it is.
      const level = guess === undefined && typeof e.data === 'string' && allowed.join() === 'province,city,county' ? levelHint(e.data) : undefined;
      const hint = guess !== undefined ? `; did you mean "${guess}"?` : level !== undefined ? `; ${level}` : '';
      return { path, message: `${show(e.data)} is not one of: ${allowed.join(', ')}${hint}` };
    }
    case 'const':
      return { path, message: `expected ${show(params.allowedValue)}, got ${show(e.data)}` };
    case 'pattern': {
      // A code that looks right and is not (`820000-M\u200bZ`, a purpose written with e and U+0301) says which character.
      const fault = typeof e.data === 'string' ? identifierFault(e.data) : null;
      // A GraphQL name written in Chinese or with accents (金额, Ürümchi) says which letter and what to write.
      const latin = !fault && typeof e.data === 'string' && typeof parent?.title === 'string' && /^GraphQL (type|field) name\b/.test(parent.title)
        ? nonLatinNameHint(e.data, e.instancePath, new RegExp(String(params.pattern), 'u'))
        : undefined;
      return { path, message: `${show(e.data)} is not a valid ${expectedForm(parent, example)}${fault ? `: it ${fault}` : latin ? `; ${latin}` : ''}` };
    }
    case 'format':
      return { path, message: `${show(e.data)} is not a valid ${expectedForm(parent, example)}` };
    case 'maxLength': // said as the workflow's input bounds are (src/model/input-bounds.ts), never quoting the text
      return { path, message: `has ${characters(String(e.data), Number(params.limit))} characters; at most ${String(params.limit)}` };
    case 'minLength':
      return { path, message: params.limit === 1 ? 'must not be empty' : `must be at least ${String(params.limit)} characters long` };
    case 'minItems':
      return { path, message: params.limit === 1 ? 'must list at least one entry' : `must list at least ${String(params.limit)} entries` };
    case 'maxItems':
      return { path, message: `lists ${(e.data as unknown[]).length} entries; at most ${String(params.limit)} allowed` };
    case 'uniqueItems': {
      const [first, again] = [Number(params.i), Number(params.j)].sort((a, b) => a - b);
      return { path: `${path}[${again}]`, message: `repeats entry ${first} (${show((e.data as unknown[])[again])})` };
    }
    case 'minimum':
    case 'maximum':
      return { path, message: `is ${show(e.data)}; must be ${e.keyword === 'minimum' ? 'at least' : 'at most'} ${String(params.limit)}` };
    default:
      return { path, message: e.message ?? `fails ${e.keyword}` };
  }
}
