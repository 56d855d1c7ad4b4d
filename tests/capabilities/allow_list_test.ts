/** The allow-list: hosts, ports, methods, path prefixes and addresses. */
import assert from "@std/assert";
import { AllowList } from "../../src/capabilities/mod.ts";

Deno.test("hosts match exactly or by sub-domain wildcard", () => {
  const allow = AllowList.of(["api.example.com", "*.example.org"]);
  assert.ok(allow.check("https://api.example.com/x").allowed);
  assert.ok(allow.check("https://a.b.example.org/").allowed);
  const d = allow.check("https://example.org/");
  assert.ok(!d.allowed && d.rule === "host");
  assert.ok(!allow.check("https://api.example.com.evil.test/").allowed);
});

Deno.test("ports, methods and path prefixes narrow a rule, and the refusal names the check", () => {
  const allow = AllowList.of([
    "127.0.0.1:8080",
    { host: "api.example.com", methods: ["get"], pathPrefixes: ["/v1"] },
  ]);
  const port = allow.check("http://127.0.0.1:9090/");
  assert.ok(!port.allowed && port.rule === "port");
  const method = allow.check("https://api.example.com/v1/x", "POST");
  assert.ok(!method.allowed && method.rule === "method");
  const path = allow.check("https://api.example.com/v10");
  assert.ok(!path.allowed && path.rule === "path");
  assert.ok(
    !allow.check("https://api.example.com/v1/../admin").allowed,
    "dot segments resolved first",
  );
  assert.ok(allow.check("https://api.example.com/v1").allowed);
  const scheme = allow.check("ftp://api.example.com/v1");
  assert.ok(!scheme.allowed && scheme.rule === "scheme");
});

Deno.test("special addresses need a rule that names them", () => {
  const any = AllowList.any();
  const d = any.check("http://127.0.0.1:1234/");
  assert.ok(!d.allowed && d.rule === "address" && /loopback/.test(d.reason));
  assert.ok(AllowList.of(["127.0.0.1"]).check("http://127.0.0.1:1234/").allowed);
  assert.ok(AllowList.of(["[::1]"]).check("http://[0:0::1]/").allowed);
  assert.ok(!AllowList.of(["127.0.0.1"]).check("http://localhost/").allowed);
  assert.ok(!AllowList.of(["*.internal"]).checkResolved("db.internal", "10.0.0.5").allowed);
});

Deno.test("netHosts lists the hosts for --allow-net, or undefined for any", () => {
  assert.deepEqual(AllowList.of(["b.com", "a.com:443"]).netHosts(), ["a.com:443", "b.com"]);
  assert.equal(AllowList.any().netHosts(), undefined);
  assert.deepEqual(AllowList.none().netHosts(), []);
});

Deno.test("bad rules are refused with a clear error", () => {
  assert.throws(() => AllowList.of([""]), TypeError);
  assert.throws(() => AllowList.of([{ host: "a.com", ports: [0] }]), /bad port/);
  assert.throws(() => AllowList.of([{ host: "a.com", pathPrefixes: ["v1"] }]), /must start with/);
});
