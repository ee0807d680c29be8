#!/usr/bin/python3
"""deploy/k8s: the manifests are YAML that Kubernetes can take, their fields agree
with each other, and the command lines their pods run are ones the binaries of this
tree accept. No cluster is needed: the pods' commands run here, on this tree's build,
with the container's paths mapped to the repository and build tree (/results to a
scratch directory, image-server:50051 to a local server started with the
Deployment's own flags). The bench Job's command runs with --benchmark_list_tests,
then N times for real, together, with a short --open_loop_duration_s; the merge
Job's command then merges those N files.

  /usr/bin/python3 deploy/k8s/manifests_test.py [-v]
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(REPO, "scripts", "lib"))

import build_tree  # noqa: E402

RENDER = os.path.join(HERE, "render")
DOCKERFILE = os.path.join(HERE, "Dockerfile")
MANIFESTS = ["server.yaml", "results-volume.yaml", "bench-job.yaml", "merge-job.yaml",
             "results-pod.yaml"]
# Where deploy/k8s/Dockerfile puts the tree and its build.
IMAGE_TREE = "/opt/image-streaming-bench"
# What README's commands for clusters without ReadWriteMany storage do to a bench
# pod's log: keep what follows the marker line, the pod's histogram file.
LOG_TO_HISTOGRAM = "1,/^==> histogram_out .* <==$/d"
# N, the bench pods, in the rendered manifests: not README's 4, so that a manifest
# that spells a number of its own is caught.
PODS = 3


def render(files, **variables):
    """deploy/k8s/render run on `files` (names in deploy/k8s) with only `variables` set
    of those it reads: the finished process, its output and exit status."""
    environment = {key: value for key, value in os.environ.items()
                   if key not in ("IMAGE", "N", "START_AT", "RESULTS_VOLUME")}
    environment.update(variables)
    return subprocess.run([RENDER, *[os.path.join(HERE, name) for name in files]],
                          capture_output=True, text=True, env=environment, timeout=30)


def documents(text):
    return [document for document in yaml.safe_load_all(text) if document is not None]


def rendered_documents(start_at):
    done = render(MANIFESTS, N=str(PODS), START_AT=start_at)
    if done.returncode != 0:
        raise AssertionError(f"render failed: {done.stderr}")
    return documents(done.stdout)


def by_kind_and_name(docs):
    return {(doc["kind"], doc["metadata"]["name"]): doc for doc in docs}


def pod_spec(document):
    """The pod spec of a Pod, or of a Deployment's or Job's template."""
    if document["kind"] == "Pod":
        return document["spec"]
    return document["spec"]["template"]["spec"]


def containers(spec):
    return spec.get("initContainers", []) + spec["containers"]


def kubernetes_expand(text, environment):
    """$(NAME) and $$ in a container's command and args, as the kubelet expands them
    (third_party/forked/golang/expansion): $(NAME) of a variable the container does
    not have stays as it is; $$ is one $."""
    out = []
    cursor = 0
    while cursor < len(text):
        if text[cursor] == "$" and cursor + 1 < len(text):
            following = text[cursor + 1]
            if following == "$":
                out.append("$")
                cursor += 2
                continue
            if following == "(":
                closer = text.find(")", cursor + 2)
                if closer != -1:
                    name = text[cursor + 2:closer]
                    out.append(environment.get(name, f"$({name})"))
                    cursor = closer + 1
                    continue
        out.append(text[cursor])
        cursor += 1
    return "".join(out)


def flag(args, name):
    """The value of --name=VALUE in `args` (the last one, as absl takes it), or None."""
    values = [arg.split("=", 1)[1] for arg in args if arg.startswith(f"--{name}=")]
    return values[-1] if values else None


def port_of(address):
    return int(address.rsplit(":", 1)[1])


def under_mount(path, container):
    """The volumeMount of `container` whose mountPath holds `path`, or None."""
    for mount in container.get("volumeMounts", []):
        if path.startswith(mount["mountPath"].rstrip("/") + "/"):
            return mount
    return None


def stop(process):
    """Ends `process` if it is still running (a test that failed half-way)."""
    if process.poll() is None:
        process.kill()
    process.wait()


class ManifestTest(unittest.TestCase):
    """The manifests as files: YAML, and fields that agree."""

    @classmethod
    def setUpClass(cls):
        cls.start_at = str(int(time.time()) + 600)
        cls.docs = rendered_documents(cls.start_at)
        cls.objects = by_kind_and_name(cls.docs)
        cls.server = cls.objects[("Deployment", "image-server")]
        cls.service = cls.objects[("Service", "image-server")]
        cls.volume = cls.objects[("PersistentVolumeClaim", "image-bench-results")]
        cls.bench = cls.objects[("Job", "image-bench")]
        cls.merge = cls.objects[("Job", "image-bench-merge")]
        cls.results_pod = cls.objects[("Pod", "image-bench-results")]
        cls.bench_args = pod_spec(cls.bench)["containers"][0]["args"]
        server_alone = documents(render(["server.yaml"]).stdout)[0]
        cls.default_image = pod_spec(server_alone)["containers"][0]["image"]

    def test_every_document_is_yaml_with_an_api_version_a_kind_and_a_name(self):
        for name in MANIFESTS:
            with open(os.path.join(HERE, name)) as f:
                raw = documents(f.read())  # the committed template parses as it is
            self.assertTrue(raw, name)
            for doc in raw:
                for key in ("apiVersion", "kind"):
                    self.assertIsInstance(doc.get(key), str, f"{name}: {key}")
                self.assertIsInstance(doc.get("metadata", {}).get("name"), str, name)
        self.assertEqual(sorted(self.objects), [
            ("Deployment", "image-server"), ("Job", "image-bench"), ("Job", "image-bench-merge"),
            ("PersistentVolumeClaim", "image-bench-results"), ("Pod", "image-bench-results"),
            ("Service", "image-server")])
        expected_api = {"Deployment": "apps/v1", "Job": "batch/v1", "Service": "v1",
                        "PersistentVolumeClaim": "v1", "Pod": "v1"}
        for doc in self.docs:
            self.assertEqual(doc["apiVersion"], expected_api[doc["kind"]], doc["metadata"]["name"])

    def test_every_pod_runs_the_one_image_render_names(self):
        images = set()
        for doc in (self.server, self.bench, self.merge, self.results_pod):
            for container in containers(pod_spec(doc)):
                images.add(container["image"])
                self.assertEqual(container.get("imagePullPolicy"), "IfNotPresent",
                                 container["name"])
        self.assertEqual(images, {self.default_image})
        custom = render(MANIFESTS, N="2", START_AT="1", IMAGE="registry.example.com/x:1")
        self.assertEqual(custom.returncode, 0, custom.stderr)
        self.assertEqual(set(re.findall(r"image: (\S+)", custom.stdout)),
                         {"registry.example.com/x:1"})
        self.assertNotRegex(custom.stdout, r"\$\{(IMAGE|N|START_AT)\}")

    def test_the_image_tag_is_the_one_the_dockerfile_says_to_build(self):
        with open(DOCKERFILE) as f:
            self.assertIn(f"docker build -f deploy/k8s/Dockerfile -t {self.default_image} .",
                          f.read())

    def test_ports_and_names_agree(self):
        server = pod_spec(self.server)["containers"][0]
        ports = {port["name"]: port["containerPort"] for port in server["ports"]}
        self.assertEqual(len(ports), 1)
        container_port = next(iter(ports.values()))
        self.assertEqual(port_of(flag(server["args"], "address")), container_port)
        self.assertTrue(flag(server["args"], "address").startswith("0.0.0.0:"),
                        "the server must listen beyond loopback")
        self.assertEqual(server["readinessProbe"]["grpc"]["port"], container_port)
        [service_port] = self.service["spec"]["ports"]
        target = service_port["targetPort"]
        self.assertEqual(ports.get(target, target), container_port)
        host, port = flag(self.bench_args, "target").rsplit(":", 1)
        self.assertEqual(host, self.service["metadata"]["name"])
        self.assertEqual(int(port), service_port["port"])

    def test_the_service_and_deployment_select_the_server_pods(self):
        labels = self.server["spec"]["template"]["metadata"]["labels"]
        for selector in (self.service["spec"]["selector"],
                         self.server["spec"]["selector"]["matchLabels"]):
            self.assertTrue(selector.items() <= labels.items(), selector)

    def test_volume_mounts_name_declared_volumes_of_the_one_claim(self):
        self.assertIn("ReadWriteMany", self.volume["spec"]["accessModes"])
        for doc in (self.server, self.bench, self.merge, self.results_pod):
            spec = pod_spec(doc)
            volumes = {volume["name"]: volume for volume in spec.get("volumes", [])}
            for container in containers(spec):
                for mount in container.get("volumeMounts", []):
                    self.assertIn(mount["name"], volumes, doc["metadata"]["name"])
            for volume in volumes.values():
                self.assertEqual(volume["persistentVolumeClaim"]["claimName"],
                                 self.volume["metadata"]["name"])

    def test_every_file_the_pods_write_or_read_is_on_the_results_volume(self):
        bench = pod_spec(self.bench)["containers"][0]
        run_dir = f"/results/{self.start_at}"
        for name in ("histogram_out", "benchmark_out"):
            path = flag(self.bench_args, name)
            self.assertEqual(os.path.dirname(path), run_dir, name)
            self.assertIsNotNone(under_mount(path, bench), name)
        merge = pod_spec(self.merge)["containers"][0]
        for name in ("out", "hgrm_dir"):
            path = flag(merge["args"], name)
            self.assertEqual(os.path.dirname(path), run_dir, name)
            self.assertIsNotNone(under_mount(path, merge), name)
        self.assertIn(f"dir={run_dir}\n", merge["command"][2])
        reader = pod_spec(self.results_pod)["containers"][0]
        self.assertIsNotNone(under_mount(run_dir + "/merged.txt", reader))

    def test_the_job_is_indexed_with_n_pods_and_the_merge_expects_n_files(self):
        spec = self.bench["spec"]
        self.assertEqual(spec["completionMode"], "Indexed")
        self.assertEqual(spec["completions"], PODS)
        self.assertEqual(spec["parallelism"], PODS)
        self.assertEqual(spec["backoffLimit"], 0)
        for doc in (self.bench, self.merge):
            self.assertEqual(pod_spec(doc)["restartPolicy"], "Never")
        self.assertIn(f"index < {PODS};", pod_spec(self.merge)["containers"][0]["command"][2])
        with open(os.path.join(HERE, "bench-job.yaml")) as f:
            raw = documents(f.read())[0]["spec"]
        self.assertEqual((raw["completions"], raw["parallelism"]), ("${N}", "${N}"))
        self.assertEqual(flag(self.bench_args, "start_at"), self.start_at)

    def test_without_read_write_many_storage_the_bench_pods_get_scratch_volumes(self):
        done = render(["bench-job.yaml"], N=str(PODS), START_AT=self.start_at,
                      RESULTS_VOLUME="emptyDir")
        self.assertEqual(done.returncode, 0, done.stderr)
        [job] = documents(done.stdout)
        self.assertEqual(pod_spec(job)["volumes"], [{"name": "results", "emptyDir": {}}])
        self.assertEqual(job["spec"], {**self.bench["spec"], "template": job["spec"]["template"]})
        self.assertEqual(pod_spec(job)["containers"], pod_spec(self.bench)["containers"])

    def test_render_refuses_what_kubernetes_would_get_wrong(self):
        for variables, message in (({}, "needs N"), ({"N": "0", "START_AT": "1"}, "N='0'"),
                                   ({"N": "2"}, "needs START_AT"),
                                   ({"N": "2", "START_AT": "soon"}, "START_AT='soon'"),
                                   ({"IMAGE": "a|b"}, "IMAGE='a|b'"),
                                   ({"N": "2", "START_AT": "1", "RESULTS_VOLUME": "nfs"},
                                    "RESULTS_VOLUME='nfs'")):
            done = render(["bench-job.yaml"], **variables)
            self.assertNotEqual(done.returncode, 0, variables)
            self.assertIn(message, done.stderr, variables)
        self.assertEqual(render(["results-volume.yaml"]).returncode, 0)

    def test_the_dockerfile_is_debian_12_with_the_packages_build_installs(self):
        with open(DOCKERFILE) as f:
            dockerfile = f.read()
        instructions = [line for line in dockerfile.splitlines()
                        if line.strip() and not line.startswith("#")]
        self.assertRegex(instructions[0], r"^FROM debian:(12|bookworm)(-slim)?(@\S+)?$")
        # One list, read by both: ./build reads it and the image installs all of it.
        with open(os.path.join(REPO, "build")) as f:
            build = f.read()
        self.assertIn("package_list=$(sed -e 's/#.*//' debian-packages.txt)\n"
                      "packages=($package_list)\n", build)
        self.assertIn("COPY debian-packages.txt /tmp/debian-packages.txt", dockerfile)
        self.assertRegex(dockerfile, r"sed -e 's/#\.\*//' /tmp/debian-packages.txt \\\n\s*\| "
                         r"DEBIAN_FRONTEND=noninteractive xargs apt-get install")
        with open(os.path.join(REPO, "debian-packages.txt")) as f:
            packages = re.sub(r"#.*", "", f.read()).split()
        for package in ("libgrpc++-dev", "libbenchmark-dev", "python3-yaml"):
            self.assertIn(package, packages)
        self.assertIn(f"WORKDIR {IMAGE_TREE}", dockerfile)
        built = re.search(r"--target ([^\n]+)", dockerfile).group(1).split()
        self.assertTrue({"image_server", "image_prober", "image_bench",
                         "image_bench_merge"} <= set(built), built)
        # Every binary a pod runs is one the image builds, where it builds it.
        for doc in (self.server, self.bench, self.merge):
            container = pod_spec(doc)["containers"][0]
            # A bash wrapper runs its $0, the first of args (bench-job.yaml).
            wrapped = container["command"][0] == "/bin/bash"
            program = container["args"][0] if wrapped else container["command"][0]
            self.assertTrue(program.startswith(f"{IMAGE_TREE}/out/"), program)
            self.assertIn(os.path.basename(program), built)
        with open(os.path.join(REPO, ".dockerignore")) as f:
            ignored = f.read().split()
        self.assertIn("out", ignored)  # the image configures a fresh out/
        for needed in ("images", "debian-packages.txt", "deploy", "CMakeLists.txt"):
            self.assertNotIn(needed, ignored)


class CommandLineTest(unittest.TestCase):
    """The pods' commands, run here: a server with the Deployment's flags, the bench
    Job's N pods against it, the merge Job over their files."""

    @classmethod
    def setUpClass(cls):
        cls.scratch = tempfile.mkdtemp(prefix="k8s_manifests_test.")
        cls.results = os.path.join(cls.scratch, "results")
        os.mkdir(cls.results)
        docs = by_kind_and_name(rendered_documents(str(int(time.time()) + 600)))
        server = pod_spec(docs[("Deployment", "image-server")])["containers"][0]
        service = docs[("Service", "image-server")]
        cls.service_address = (f"{service['metadata']['name']}:"
                               f"{service['spec']['ports'][0]['port']}")
        port_file = os.path.join(cls.scratch, "server.port")
        args = [cls.local(arg) for arg in server["command"] + server["args"]]
        args = [arg for arg in args if not arg.startswith("--address=")]
        cls.server_log = open(os.path.join(cls.scratch, "server.log"), "w")
        cls.server = subprocess.Popen(args + ["--address=127.0.0.1:0", f"--port_file={port_file}"],
                                      stdout=cls.server_log, stderr=subprocess.STDOUT,
                                      stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        cls.address = None
        while cls.address is None and time.monotonic() < deadline:
            if cls.server.poll() is not None:
                break
            if os.path.exists(port_file):
                with open(port_file) as f:
                    text = f.read()
                if text.endswith("\n"):
                    cls.address = text.strip()
            time.sleep(0.05)
        if cls.address is None:
            cls.tearDownClass()
            raise AssertionError("the server did not start with the Deployment's flags; see "
                                 + os.path.join(cls.scratch, "server.log"))

    @classmethod
    def tearDownClass(cls):
        cls.server.terminate()
        try:
            cls.server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            stop(cls.server)
        cls.server_log.close()
        shutil.rmtree(cls.scratch, ignore_errors=True)

    @classmethod
    def local(cls, text):
        """A container's path or address, as it is on this machine."""
        text = text.replace(f"{IMAGE_TREE}/out/", build_tree.BUILD_DIR + "/")
        text = text.replace(f"{IMAGE_TREE}/", REPO + "/")
        return text.replace("/results/", cls.results + "/")

    def pod_command(self, doc, extra_args=(), environment=None):
        """The first container's command and args as Kubernetes expands them, with this
        machine's paths, then `extra_args`; and the environment it runs with."""
        container = pod_spec(doc)["containers"][0]
        self.assertEqual([mount["mountPath"] for mount in container["volumeMounts"]],
                         ["/results"])  # what local() maps
        environment = dict(environment or {})
        command = [kubernetes_expand(part, environment)
                   for part in container.get("command", []) + container.get("args", [])]
        command = [self.local(part) for part in command]
        command = [part.replace(self.service_address, self.address) for part in command]
        return command + list(extra_args), {**os.environ, **environment}

    def bench_pods(self, start_at):
        docs = by_kind_and_name(rendered_documents(start_at))
        return docs[("Job", "image-bench")], docs[("Job", "image-bench-merge")]

    def test_the_bench_command_lists_the_one_benchmark_it_runs(self):
        bench, _ = self.bench_pods(str(int(time.time()) + 600))
        command, environment = self.pod_command(bench, ["--benchmark_list_tests"],
                                                {"JOB_COMPLETION_INDEX": "0"})
        done = subprocess.run(command, env=environment, capture_output=True, text=True,
                              timeout=60)
        self.assertEqual(done.returncode, 0, done.stderr)
        args = pod_spec(bench)["containers"][0]["args"]
        iterations = round(float(flag(args, "rate")) * float(flag(args, "open_loop_duration_s")))
        self.assertEqual(done.stdout.splitlines(), [
            f"StreamImages/images_per_stream:{flag(args, 'images_per_stream')}"
            f"/concurrency:{flag(args, 'stream_concurrency')}/iterations:{iterations}"
            "/process_time/manual_time"])

    def test_n_pods_run_together_and_the_merge_job_merges_their_files(self):
        start_at = f"{time.time() + 4:.3f}"
        bench, merge = self.bench_pods(start_at)
        pods = []
        for index in range(PODS):
            # Shorter than the Job's run, so that the test is quick; the last
            # --open_loop_duration_s wins.
            command, environment = self.pod_command(bench, ["--open_loop_duration_s=0.4"],
                                                    {"JOB_COMPLETION_INDEX": str(index)})
            pods.append(subprocess.Popen(command, env=environment, stdout=subprocess.PIPE,
                                         stderr=subprocess.PIPE, text=True,
                                         stdin=subprocess.DEVNULL))
            self.addCleanup(stop, pods[-1])
        outputs = [pod.communicate(timeout=120) for pod in pods]
        run_dir = os.path.join(self.results, start_at)
        for index, (pod, (stdout, stderr)) in enumerate(zip(pods, outputs)):
            self.assertEqual(pod.returncode, 0, f"pod {index}: {stderr}")
            with open(os.path.join(run_dir, f"bench-{index}.json")) as f:
                context = json.load(f)["context"]
            self.assertAlmostEqual(float(context["start_at"]), float(start_at), places=5)
            # The pod's log ends with its histogram file, after a marker line:
            # README's command for clusters without ReadWriteMany storage
            # reads it back so.
            with open(os.path.join(run_dir, f"bench-{index}.txt")) as f:
                histogram = f.read()
            self.assertIn(f"==> histogram_out {run_dir}/bench-{index}.txt <==\n", stdout)
            from_log = subprocess.run(["sed", LOG_TO_HISTOGRAM], input=stdout,
                                      capture_output=True, text=True, timeout=10)
            self.assertEqual(from_log.stdout, histogram)

        command, environment = self.pod_command(merge)
        done = subprocess.run(command, env=environment, capture_output=True, text=True,
                              timeout=60)
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertIn(f"Merged {PODS} files into 1 run", done.stdout)
        self.assertIn(f"processes merged {PODS} of {PODS}", done.stdout)
        with open(os.path.join(run_dir, "merged-report.txt")) as f:
            self.assertEqual(f.read(), done.stdout)
        self.assertTrue(os.path.getsize(os.path.join(run_dir, "merged.txt")) > 0)
        self.assertTrue(os.listdir(os.path.join(run_dir, "hgrm")))

        # One pod's file missing: the merge says which, and merges nothing.
        os.remove(os.path.join(run_dir, "bench-1.txt"))
        os.remove(os.path.join(run_dir, "merged.txt"))
        done = subprocess.run(command, env=environment, capture_output=True, text=True,
                              timeout=60)
        self.assertNotEqual(done.returncode, 0)
        self.assertIn(f"1 of {PODS} histogram files missing: {run_dir}/bench-1.txt", done.stderr)
        self.assertFalse(os.path.exists(os.path.join(run_dir, "merged.txt")))


if __name__ == "__main__":
    unittest.main()
