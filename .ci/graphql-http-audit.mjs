// The graphql-http audit suite (GraphQL over HTTP, the spec's MUSTs and SHOULDs) against a
// running server: prints each result that is not ok and exits non-zero on any error or warning.
import { auditServer } from "graphql-http";

const url = process.argv[2] ?? "http://127.0.0.1:8000/graphql";
const results = await auditServer({ url });
let failed = 0;
for (const result of results) {
  if (result.status === "ok") continue;
  failed += 1;
  const body = result.response ? await result.response.text().catch(() => "") : "";
  console.log(`${result.status.toUpperCase()} ${result.id} ${result.name}: ${result.reason}`);
  if (body) console.log(`    body: ${body.slice(0, 300)}`);
}
const counts = (s) => results.filter((r) => r.status === s).length;
console.log(`graphql-http audit: ${counts("ok")} ok, ${counts("warn")} warnings, ${counts("error")} errors`);
process.exit(failed ? 1 : 0);
