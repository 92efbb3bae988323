import subprocess
import sys


def test_import_with_core_dependencies_only():
    code = "import sys, hyperhop; bad = [m for m in ('pandas', 'sqlalchemy', 'ray', 'dask', 'matplotlib') if m in sys.modules]; assert not bad, bad"
    subprocess.run([sys.executable, "-c", code], check=True)
