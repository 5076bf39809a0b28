// SPDX-License-Identifier: MIT
// node validate.mjs FILE.yaml: validates every object of procinit's Kubernetes
// export against the Kubernetes OpenAPI schemas (kubernetes-models: each object
// validates itself: types, required fields, enums), then checks what the API
// server's own validation adds and those schemas leave out: object, container
// and port names (DNS labels), label syntax, port ranges, that a Deployment's
// selector matches its pod labels and a Service's selector some Deployment's,
// env and ConfigMap key syntax, and that no field is unknown to the schema
// (those are pruned or refused by the API server). Prints the parsed objects
// as JSON on stdout for the round-trip checks; exits 1 with a message on stderr.

import { readFileSync } from "node:fs";
import YAML from "yaml";

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const LABEL_NAME = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;
const CONFIGMAP_KEY = /^[-._a-zA-Z0-9]+$/;

// The fields procinit may write, per object path (a "*" entry is a map of any keys).
// Anything else is a field the schema would not know, or one we did not mean to write.
const KNOWN = {
  "": ["apiVersion", "kind", "metadata", "spec", "data"],
  "metadata": ["name", "labels"],
  "metadata.labels": ["*"],
  "data": ["*"],
  "spec": ["replicas", "selector", "template", "ports"],
  "spec.selector": ["matchLabels", "*"],
  "spec.selector.matchLabels": ["*"],
  "spec.template": ["metadata", "spec"],
  "spec.template.metadata": ["labels"],
  "spec.template.metadata.labels": ["*"],
  "spec.template.spec": ["terminationGracePeriodSeconds", "securityContext", "containers"],
  "spec.template.spec.securityContext": ["runAsUser"],
  "spec.template.spec.containers[]": ["name", "image", "command", "args", "env", "envFrom", "ports",
    "readinessProbe"],
  "spec.template.spec.containers[].env[]": ["name", "value", "valueFrom"],
  "spec.template.spec.containers[].env[].valueFrom": ["fieldRef"],
  "spec.template.spec.containers[].env[].valueFrom.fieldRef": ["fieldPath"],
  "spec.template.spec.containers[].envFrom[]": ["configMapRef"],
  "spec.template.spec.containers[].envFrom[].configMapRef": ["name"],
  "spec.template.spec.containers[].ports[]": ["containerPort"],
  "spec.template.spec.containers[].readinessProbe": ["tcpSocket", "httpGet", "exec"],
  "spec.template.spec.containers[].readinessProbe.tcpSocket": ["port"],
  "spec.template.spec.containers[].readinessProbe.httpGet": ["path", "port"],
  "spec.template.spec.containers[].readinessProbe.exec": ["command"],
  "spec.ports[]": ["port", "targetPort", "protocol"],
};

function fail(msg) {
  process.stderr.write(`validate.mjs: ${msg}\n`);
  process.exit(1);
}

function checkKnown(value, path, where) {
  if (Array.isArray(value)) {
    value.forEach((v, i) => checkKnown(v, `${path}[]`, `${where}[${i}]`));
    return;
  }
  if (value === null || typeof value !== "object") return;
  const known = KNOWN[path];
  if (!known) fail(`${where}: procinit does not write an object here`);
  for (const [k, v] of Object.entries(value)) {
    if (!known.includes(k) && !known.includes("*")) fail(`${where}.${k}: unknown field`);
    if (!known.includes("*") || known.includes(k)) checkKnown(v, path ? `${path}.${k}` : k, `${where}.${k}`);
  }
}

function checkLabels(labels, where) {
  for (const [k, v] of Object.entries(labels || {})) {
    if (!LABEL_NAME.test(k) || k.split("/").pop().length > 63) fail(`${where}: bad label key ${k}`);
    if (typeof v !== "string" || !LABEL_VALUE.test(v) || v.length > 63) fail(`${where}: bad label value ${v}`);
  }
}

function checkPort(p, where) {
  if (!Number.isInteger(p) || p < 1 || p > 65535) fail(`${where}: port ${p} outside 1..65535`);
}

function subset(a, b) {
  return Object.entries(a || {}).every(([k, v]) => b && b[k] === v);
}

async function model(obj) {
  const mod = await import(`kubernetes-models/${obj.apiVersion}`);
  const Cls = mod[obj.kind];
  if (!Cls) fail(`no model for ${obj.apiVersion} ${obj.kind}`);
  return Cls;
}

async function main() {
  const file = process.argv[2];
  const docs = YAML.parseAllDocuments(readFileSync(file, "utf8"), { version: "1.1" });
  const objects = [];
  for (const doc of docs) {
    if (doc.errors.length) fail(`YAML: ${doc.errors[0].message}`);
    const obj = doc.toJS();
    if (obj === null) continue;
    objects.push(obj);
  }
  const deployments = objects.filter((o) => o.kind === "Deployment");
  for (const obj of objects) {
    const where = `${obj.kind}/${obj.metadata?.name}`;
    const Cls = await model(obj);
    try {
      new Cls(obj).validate();
    } catch (e) {
      fail(`${where}: ${e.message}`);
    }
    checkKnown(obj, "", where);
    const name = obj.metadata.name;
    const nameRule = obj.kind === "Service" ? DNS1035_LABEL : DNS_LABEL;
    if (!nameRule.test(name) || name.length > 63) fail(`${where}: invalid name`);
    checkLabels(obj.metadata.labels, where);
    if (obj.kind === "ConfigMap") {
      for (const [k, v] of Object.entries(obj.data || {})) {
        if (!CONFIGMAP_KEY.test(k) || typeof v !== "string") fail(`${where}: bad data key ${k}`);
      }
    }
    if (obj.kind === "Deployment") {
      const tpl = obj.spec.template;
      checkLabels(tpl.metadata.labels, `${where} template`);
      if (!subset(obj.spec.selector.matchLabels, tpl.metadata.labels)) fail(`${where}: selector does not match the pod labels`);
      for (const c of tpl.spec.containers) {
        if (!DNS_LABEL.test(c.name)) fail(`${where}: container name ${c.name}`);
        for (const e of c.env || []) if (!ENV_NAME.test(e.name)) fail(`${where}: env name ${e.name}`);
        for (const p of c.ports || []) checkPort(p.containerPort, where);
        const probe = c.readinessProbe;
        if (probe?.tcpSocket) checkPort(probe.tcpSocket.port, where);
        if (probe?.httpGet) checkPort(probe.httpGet.port, where);
      }
    }
    if (obj.kind === "Service") {
      for (const p of obj.spec.ports) { checkPort(p.port, where); checkPort(p.targetPort, where); }
      if (!deployments.some((d) => subset(obj.spec.selector, d.spec.template.metadata.labels))) {
        fail(`${where}: the selector matches no Deployment's pods`);
      }
    }
  }
  process.stdout.write(JSON.stringify(objects));
}

main().catch((e) => fail(e.stack || String(e)));
