/** Which addresses are special, without DNS. */
import assert from "@std/assert";
import { canonicalIp, classifyAddress, classifyHost, parseIp } from "../../src/capabilities/mod.ts";

Deno.test("IPv4 private, loopback, link-local, metadata and special ranges are classified", () => {
  const cases: [string, string | undefined][] = [
    ["10.0.0.1", "private"],
    ["172.16.0.1", "private"],
    ["172.31.255.255", "private"],
    ["172.32.0.1", undefined],
    ["192.168.1.1", "private"],
    ["127.0.0.1", "loopback"],
    ["127.255.0.9", "loopback"],
    ["169.254.1.1", "link-local"],
    ["169.254.169.254", "cloud-metadata"],
    ["100.100.100.200", "shared"],
    ["0.0.0.0", "unspecified"],
    ["224.0.0.1", "multicast"],
    ["255.255.255.255", "reserved"],
    ["8.8.8.8", undefined],
    ["93.184.216.34", undefined],
  ];
  for (const [ip, want] of cases) assert.equal(classifyAddress(ip), want, ip);
});

Deno.test("IPv6 loopback, unique-local, link-local and embedded IPv4 are classified", () => {
  const cases: [string, string | undefined][] = [
    ["::1", "loopback"],
    ["[::1]", "loopback"],
    ["::", "unspecified"],
    ["fc00::1", "unique-local"],
    ["fd12:3456::1", "unique-local"],
    ["fd00:ec2::254", "cloud-metadata"],
    ["fe80::1", "link-local"],
    ["ff02::1", "multicast"],
    ["::ffff:127.0.0.1", "loopback"],
    ["::ffff:7f00:1", "loopback"],
    ["::ffff:10.0.0.1", "private"],
    ["64:ff9b::a9fe:a9fe", "cloud-metadata"],
    ["2002:c0a8:0101::1", "private"],
    ["2606:4700::1111", undefined],
  ];
  for (const [ip, want] of cases) assert.equal(classifyAddress(ip), want, ip);
});

Deno.test("localhost names are loopback; other names are left to DNS", () => {
  assert.equal(classifyHost("localhost"), "loopback");
  assert.equal(classifyHost("LOCALHOST."), "loopback");
  assert.equal(classifyHost("api.localhost"), "loopback");
  assert.equal(classifyHost("example.com"), undefined);
});

Deno.test("IP literals are parsed strictly and spelled canonically", () => {
  assert.equal(parseIp("1.2.3"), undefined);
  assert.equal(parseIp("01.2.3.4"), undefined);
  assert.equal(parseIp("1:2:3:4:5:6:7:8:9"), undefined);
  assert.equal(canonicalIp("0:0:0:0:0:0:0:1"), "::1");
  assert.equal(canonicalIp("[2001:db8:0:0:1:0:0:1]"), "2001:db8::1:0:0:1");
  assert.equal(canonicalIp("example.com"), undefined);
});
