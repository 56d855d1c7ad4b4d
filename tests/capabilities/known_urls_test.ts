/** KnownUrls: request URLs parsed and allow-checked once, with the same answers as without it. */
import assert from "@std/assert";
import { AllowList } from "../../src/capabilities/allow_list.ts";
import { hostFail } from "../../src/capabilities/json_fields.ts";
import { KnownUrls } from "../../src/capabilities/http/known_urls.ts";
import { parseRequestUrl } from "../../src/capabilities/http/http_request_parse.ts";

const fail = hostFail("test");
const allow = AllowList.of([
  "api.example.com",
  { host: "up.example.com", methods: ["GET"], pathPrefixes: ["/v1"] },
]);

Deno.test("KnownUrls gives what parseRequestUrl and AllowList.check give, for every case", () => {
  const urls = new KnownUrls(allow);
  const cases: Array<[string, string]> = [
    ["https://api.example.com/x", "GET"],
    ["https://API.example.com/x", "POST"],
    ["https://up.example.com/v1/a", "GET"],
    ["https://up.example.com/v1/a", "POST"],
    ["https://up.example.com/v2/a", "GET"],
    ["https://other.example.com/", "GET"],
  ];
  for (let round = 0; round < 2; round++) {
    for (const [text, method] of cases) {
      const url = urls.parse(text, fail);
      assert.equal(url.href, parseRequestUrl(text, fail).href, text);
      assert.deepEqual(urls.check(url, method), allow.check(url, method), `${method} ${text}`);
    }
  }
});

Deno.test("KnownUrls remembers a parse and a decision per method", () => {
  const urls = new KnownUrls(allow);
  const url = urls.parse("https://up.example.com/v1/a", fail);
  assert.strictEqual(urls.parse("https://up.example.com/v1/a", fail), url);
  const get = urls.check(url, "GET");
  assert.strictEqual(urls.check(url, "GET"), get);
  assert.ok(get.allowed);
  assert.ok(!urls.check(url, "POST").allowed, "the decision for one method is not another's");
  assert.ok(Object.isFrozen(get), "a remembered decision cannot be changed by a caller");
});

Deno.test("KnownUrls refuses bad URLs every time, remembering none", () => {
  const urls = new KnownUrls(allow);
  for (let i = 0; i < 2; i++) {
    assert.throws(() => urls.parse("not a url", fail), TypeError, "absolute URL");
    assert.throws(() => urls.parse("ftp://api.example.com/", fail), TypeError, "http: or https:");
  }
});

Deno.test("KnownUrls holds at most its capacity, and still answers past it", () => {
  const urls = new KnownUrls(allow, 2);
  const first = urls.parse("https://api.example.com/1", fail);
  urls.parse("https://api.example.com/2", fail);
  urls.parse("https://api.example.com/3", fail); // past capacity: the memory starts again
  const again = urls.parse("https://api.example.com/1", fail);
  assert.notStrictEqual(again, first, "forgotten once the capacity was passed");
  assert.equal(again.href, first.href);
  assert.ok(urls.check(again, "GET").allowed);
});

Deno.test("KnownUrls: a capacity that is not an integer >= 1 is a TypeError", () => {
  for (const bad of [0, -1, 1.5, NaN]) {
    assert.throws(() => new KnownUrls(allow, bad), TypeError, "capacity");
  }
});
