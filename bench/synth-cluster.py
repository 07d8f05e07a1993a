#!/usr/bin/env python3
"""Grow a synthetic cluster snapshot, one night at a time, for store-scale.sh.

usage: bench/synth-cluster.py DIR NODES NIGHT

Night 0 writes DIR as a snapshot of NODES nodes, shaped like
samples/cluster/compliant (same Helm release, ConfigMaps and workloads) with
node-reports/<node>.json for each node. Each later night changes it the way
a real cluster changes, about 1% a night:

- the autoscaler replaces 0.5% of the nodes (old names go, new names come,
  each with its own machine id);
- 0.4% of the nodes are rebooted onto an updated kernel, which changes
  their report but not their verdict;
- every 7th night one node comes back from a reboot without FIPS mode, and
  the next night it is fixed again.

State (the node list and its generation counters) lives in DIR/.synth.json,
so nights must run in order. The same NIGHT always yields the same snapshot
(seeded per night).
"""
import copy
import json
import os
import random
import shutil
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SAMPLE = os.path.join(ROOT, "samples", "cluster", "compliant")
TEMPLATE = "ip-10-0-3-17.ec2.internal"		# an Amazon Linux 2 FIPS node


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def dump(path, doc):
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=1)
    os.replace(tmp, path)


def node_name(serial):
    return "ip-10-%d-%d-%d.ec2.internal" % (serial >> 16 & 255,
                                            serial >> 8 & 255, serial & 255)


def report(template, name, serial, kernel_gen, fips_off):
    doc = copy.deepcopy(template)
    n = doc["node"]
    n["hostname"] = name
    n["root"] = "/host"
    n["machine_id"] = "%032x" % (serial * 2654435761 % (1 << 128))
    n["kernel_release"] = "5.10.%d-213.878.amzn2.x86_64" % (225 + kernel_gen)
    if fips_off:
        n["fips_enabled"] = False
        n["compliant"] = False
        n["reasons"] = ["fips_enabled is 0"]
        for s in n["sources"]:
            if s["path"] == "/proc/sys/crypto/fips_enabled":
                s["value"] = "0\n"
    return doc


def node_item(template, name, kernel_gen):
    item = copy.deepcopy(template)
    item["metadata"]["name"] = name
    item["metadata"]["labels"]["kubernetes.io/hostname"] = name
    item["status"]["addresses"][1]["address"] = name
    item["status"]["nodeInfo"]["kernelVersion"] = \
        "5.10.%d-213.878.amzn2.x86_64" % (225 + kernel_gen)
    return item


def write_node(d, tmpl, st, serial):
    name = node_name(serial)
    info = st["nodes"][str(serial)]
    dump(os.path.join(d, "node-reports", name + ".json"),
         report(tmpl, name, serial, info["kernel"], info["fips_off"]))


def main():
    if len(sys.argv) != 4:
        sys.exit("usage: synth-cluster.py DIR NODES NIGHT")
    d, total, night = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    tmpl = load(os.path.join(SAMPLE, "node-reports", TEMPLATE + ".json"))
    items = load(os.path.join(SAMPLE, "nodes.json"))
    item_tmpl = next(i for i in items["items"]
                     if i["metadata"]["name"] == TEMPLATE)
    state_path = os.path.join(d, ".synth.json")
    rng = random.Random(night)

    if night == 0:
        shutil.rmtree(d, ignore_errors=True)
        shutil.copytree(SAMPLE, d)
        shutil.rmtree(os.path.join(d, "node-reports"))
        os.mkdir(os.path.join(d, "node-reports"))
        st = {"next": 1 << 8, "nodes": {}}
        for _ in range(total):
            st["nodes"][str(st["next"])] = {"kernel": 0, "fips_off": False}
            st["next"] += 1
        changed = [int(s) for s in st["nodes"]]
    else:
        st = load(state_path)
        changed = []
        serials = sorted(int(s) for s in st["nodes"])
        for s in rng.sample(serials, max(1, total // 200)):
            del st["nodes"][str(s)]
            os.unlink(os.path.join(d, "node-reports", node_name(s) + ".json"))
            st["nodes"][str(st["next"])] = {"kernel": 0, "fips_off": False}
            changed.append(st["next"])
            st["next"] += 1
        live = sorted(int(s) for s in st["nodes"])
        for s in rng.sample(live, max(1, total // 250)):
            st["nodes"][str(s)]["kernel"] += 1
            changed.append(s)
        for s, info in st["nodes"].items():
            if info["fips_off"]:
                info["fips_off"] = False
                changed.append(int(s))
        if night % 7 == 0:
            s = rng.choice(live)
            st["nodes"][str(s)]["fips_off"] = True
            changed.append(s)

    for s in set(changed):
        if str(s) in st["nodes"]:
            write_node(d, tmpl, st, s)
    items["items"] = [node_item(item_tmpl, node_name(int(s)), i["kernel"])
                      for s, i in sorted(st["nodes"].items(),
                                         key=lambda kv: int(kv[0]))]
    dump(os.path.join(d, "nodes.json"), items)
    dump(state_path, st)


if __name__ == "__main__":
    main()
