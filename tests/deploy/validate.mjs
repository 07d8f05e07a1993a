// validate.mjs - every object of a rendered deployment (YAML documents on
// stdin) against the Kubernetes OpenAPI schema, offline, with the npm
// package kubernetes-models (its classes' validate()). Prints one line per
// object; exits 1 when any object is invalid or of a kind it cannot check.
import { readFileSync } from "node:fs";
import yaml from "js-yaml";

const docs = yaml.loadAll(readFileSync(0, "utf8")).filter((d) => d != null);
let bad = 0;
for (const obj of docs) {
  const [group, version] = obj.apiVersion.includes("/")
    ? obj.apiVersion.split("/")
    : [null, obj.apiVersion];
  const path = group ? `${group}/${version}` : version;
  const name = `${obj.kind} ${obj.metadata?.namespace ?? "-"}/${obj.metadata?.name}`;
  let Model;
  try {
    Model = (await import(`kubernetes-models/${path}/${obj.kind}`))[obj.kind];
  } catch (e) {
    console.log(`FAIL ${name}: no schema for ${obj.apiVersion} ${obj.kind}`);
    bad++;
    continue;
  }
  try {
    new Model(obj).validate();
    console.log(`ok ${name}`);
  } catch (e) {
    console.log(`FAIL ${name}: ${e.message.split("\n").join("; ")}`);
    bad++;
  }
}
if (docs.length === 0) {
  console.log("FAIL no objects");
  bad++;
}
process.exit(bad === 0 ? 0 : 1);
