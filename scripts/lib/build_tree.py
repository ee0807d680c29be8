"""Where the scripts find the project's binaries: out/, the tree ./build makes,
unless IMAGE_BUILD_DIR names another (scripts/sanitize points it at out-asan/
or out-tsan/, so that the script tests run the sanitized binaries).
"""
import os

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD_DIR = os.path.abspath(os.environ.get("IMAGE_BUILD_DIR") or os.path.join(REPO, "out"))


def path(*parts):
    """A file of the build tree, e.g. path("server", "image_server")."""
    return os.path.join(BUILD_DIR, *parts)
