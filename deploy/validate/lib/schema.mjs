// Schema validation of rendered Kubernetes objects, offline, with the npm package
// kubernetes-models: each object is built as its model class (chosen by apiVersion and kind) and
// validated against the JSON schema of the Kubernetes OpenAPI spec the package was generated from.
//
// Those schemas accept unknown fields, which the API server (strict field validation) rejects or
// silently drops: a misspelt `readinesProbe` or a `readOnlyRootFilesystem` one level too high
// would pass. So unknown fields are checked too, from the package's TypeScript declarations
// (the same spec): every field of every object must be declared in its type.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const nodeModules = path.resolve(here, "..", "node_modules");
const modelsRoot = path.join(nodeModules, "kubernetes-models");

// "apps/v1" -> "apps/v1", "v1" -> "v1": the package's folder layout follows apiVersion.
function groupVersionDir(apiVersion) {
  if (typeof apiVersion !== "string" || !/^([a-z0-9.-]+\/)?v[0-9]+((alpha|beta)[0-9]+)?$/.test(apiVersion)) {
    return null;
  }
  return apiVersion;
}

const moduleCache = new Map();
async function loadModelClass(apiVersion, kind) {
  const gv = groupVersionDir(apiVersion);
  if (gv === null || typeof kind !== "string" || !/^[A-Z][A-Za-z0-9]*$/.test(kind)) return null;
  const file = path.join(modelsRoot, gv, `${kind}.js`);
  if (!fs.existsSync(file)) return null;
  if (!moduleCache.has(file)) moduleCache.set(file, await import(file));
  const mod = moduleCache.get(file);
  return typeof mod[kind] === "function" ? mod[kind] : null;
}

// ---- Declared fields, from the .d.ts files -------------------------------------------------

// A type descriptor: { kind: "leaf" } | { kind: "ref", file, name } | { kind: "array", of }
// | { kind: "map", of }. A "ref" names an interface (or a type alias, which is a leaf).
const declCache = new Map(); // file -> { imports: Map, interfaces: Map(name -> fields) }

function resolveImport(fromFile, spec) {
  if (spec.startsWith(".")) return path.resolve(path.dirname(fromFile), spec.replace(/\.js$/, ".d.ts"));
  return path.join(nodeModules, spec.replace(/\.js$/, "") + ".d.ts");
}

function parseTypeExpr(expr, fileInfo, file) {
  expr = expr.trim().replace(/;$/, "").trim();
  let m = /^Array<(.*)>$/.exec(expr);
  if (m) return { kind: "array", of: parseTypeExpr(m[1], fileInfo, file) };
  m = /^(I[A-Za-z0-9]+)$/.exec(expr);
  if (m) {
    const name = m[1];
    if (fileInfo.imports.has(name)) return { kind: "ref", ...fileInfo.imports.get(name) };
    return { kind: "ref", file, name }; // declared in the same file
  }
  return { kind: "leaf" };
}

function parseDeclarations(file) {
  if (declCache.has(file)) return declCache.get(file);
  const info = { imports: new Map(), interfaces: new Map() };
  declCache.set(file, info);
  if (!fs.existsSync(file)) return info;
  const lines = fs.readFileSync(file, "utf8").split("\n");
  for (const line of lines) {
    const m = /^import \{ ([^}]+) \} from "([^"]+)";/.exec(line);
    if (!m) continue;
    const target = resolveImport(file, m[2]);
    for (const part of m[1].split(",")) {
      const [orig, alias] = part.trim().split(/\s+as\s+/);
      // The imported name is the file's alias of its main interface: "IIoK8sApiCoreV1Probe";
      // inside that file the interface itself is "IProbe". Resolved lazily by resolveRef.
      info.imports.set((alias ?? orig).trim(), { file: target, name: orig.trim() });
    }
  }
  for (let i = 0; i < lines.length; i++) {
    const start = /^export interface (I[A-Za-z0-9]+)(?: extends [A-Za-z0-9, ]+)? \{$/.exec(lines[i]);
    if (!start) continue;
    const fields = new Map();
    let j = i + 1;
    for (; j < lines.length && lines[j] !== "}"; j++) {
      const f = /^ {4}"([^"]+)"\??: (.*)$/.exec(lines[j]);
      if (!f) continue;
      if (f[2].trim() === "{") {
        // An inline object type: in these declarations always a string-keyed map.
        let valueType = { kind: "leaf" };
        for (j = j + 1; j < lines.length && !/^ {4}\};?$/.test(lines[j]); j++) {
          const v = /^ {8}\[key: string\]: (.*)$/.exec(lines[j]);
          if (v) valueType = parseTypeExpr(v[1], info, file);
        }
        fields.set(f[1], { kind: "map", of: valueType });
      } else {
        fields.set(f[1], parseTypeExpr(f[2], info, file));
      }
    }
    info.interfaces.set(start[1], fields);
    i = j;
  }
  return info;
}

// The fields of a referenced type, or null when it is a type alias (string | number, ...).
function resolveRef(ref) {
  const info = parseDeclarations(ref.file);
  if (info.interfaces.has(ref.name)) return info.interfaces.get(ref.name);
  // An imported alias "IIoK8sApiCoreV1Probe" of the file's one main interface "IProbe".
  const type = /\/([A-Za-z0-9]+)\.d\.ts$/.exec(ref.file);
  if (type && info.interfaces.has(`I${type[1]}`)) return info.interfaces.get(`I${type[1]}`);
  return null;
}

function unknownFields(value, type, where, out) {
  if (value === null || value === undefined) return;
  if (type.kind === "array") {
    if (Array.isArray(value)) value.forEach((v, i) => unknownFields(v, type.of, `${where}[${i}]`, out));
    return;
  }
  if (type.kind === "map") {
    if (typeof value === "object" && !Array.isArray(value)) {
      for (const [k, v] of Object.entries(value)) unknownFields(v, type.of, `${where}.${k}`, out);
    }
    return;
  }
  if (type.kind !== "ref") return;
  const fields = resolveRef(type);
  if (fields === null || typeof value !== "object" || Array.isArray(value)) return;
  for (const [k, v] of Object.entries(value)) {
    const ft = fields.get(k);
    if (ft === undefined) {
      out.push(`${where ? where + "." : ""}${k}: unknown field (not in the Kubernetes schema)`);
    } else {
      unknownFields(v, ft, `${where ? where + "." : ""}${k}`, out);
    }
  }
}

// Secret data and ConfigMap binaryData are base64; kustomize wraps long values over several lines,
// and the API server's decoder (Go's encoding/base64) skips line breaks, so the schema's "byte"
// format is checked on the value without them.
function base64AsTheApiServerReadsIt(obj) {
  const field = obj.kind === "Secret" ? "data" : obj.kind === "ConfigMap" ? "binaryData" : null;
  if (field === null || obj[field] === null || typeof obj[field] !== "object") return obj;
  const copy = { ...obj, [field]: {} };
  for (const [k, v] of Object.entries(obj[field])) {
    copy[field][k] = typeof v === "string" ? v.replace(/[\r\n]/g, "") : v;
  }
  return copy;
}

// Validates one object. Returns a list of problems (empty when valid).
export async function validateObject(obj) {
  const { apiVersion, kind } = obj ?? {};
  const Model = await loadModelClass(apiVersion, kind);
  if (Model === null) {
    return [`no Kubernetes schema for apiVersion "${apiVersion}" kind "${kind}" (this deployment uses built-in kinds only, no CRDs)`];
  }
  const problems = [];
  try {
    new Model(base64AsTheApiServerReadsIt(obj)).validate();
  } catch (e) {
    const errors = Array.isArray(e.errors) && e.errors.length > 0 ? e.errors : null;
    if (errors) {
      for (const err of errors) {
        problems.push(`${err.instancePath || "/"}: ${err.message}${err.params?.allowedValues ? ` (${err.params.allowedValues.join(", ")})` : ""}`);
      }
    } else {
      problems.push(String(e.message ?? e));
    }
  }
  const declFile = path.join(modelsRoot, groupVersionDir(apiVersion), `${kind}.d.ts`);
  unknownFields(obj, { kind: "ref", file: declFile, name: `I${kind}` }, "", problems);
  return problems;
}
