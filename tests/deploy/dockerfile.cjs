// dockerfile.cjs - the Dockerfile (path in argv) through dockerfile-utils,
// the parser and linter of the Dockerfile language server: every
// diagnostic printed, exit 1 on any. Then what the image must be: a
// non-root USER in the last stage, its OCI labels, the binary copied from
// the build stage.
const fs = require("node:fs");
const { validate } = require("dockerfile-utils");
const { DockerfileParser } = require("dockerfile-ast");

const text = fs.readFileSync(process.argv[2], "utf8");
let bad = 0;
for (const d of validate(text)) {
  console.log(`FAIL line ${d.range.start.line + 1}: ${d.message}`);
  bad++;
}
const df = DockerfileParser.parse(text);
const stages = df.getFROMs();
const last = df.getInstructions().filter(
  (i) => i.getRange().start.line >= stages[stages.length - 1].getRange().start.line);
const args = (kw) => last.filter((i) => i.getKeyword() === kw)
  .map((i) => i.getArgumentsContent());
const user = args("USER").pop() || "";
if (!/^[1-9][0-9]*(:[0-9]+)?$/.test(user)) {
  console.log(`FAIL the image runs as '${user || "root"}', not a numeric non-root user`);
  bad++;
}
const labels = args("LABEL").join(" ");
for (const l of ["title", "version", "revision", "licenses"]) {
  if (!labels.includes(`org.opencontainers.image.${l}=`)) {
    console.log(`FAIL no OCI label org.opencontainers.image.${l}`);
    bad++;
  }
}
if (!last.some((i) => i.getKeyword() === "COPY" && /--from=build\s/.test(i.getTextContent()))) {
  console.log("FAIL the last stage does not copy from the build stage");
  bad++;
}
console.log(bad === 0 ? `ok ${stages.length} stages, user ${user}` : `${bad} problems`);
process.exit(bad === 0 ? 0 : 1);
