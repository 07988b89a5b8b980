"""The runtime type checker that pytest applies to the ``interp`` package.

Beartype by default rejects an ``int`` where a ``float`` is annotated. Python's typing rules
(PEP 484, "numeric tower") accept it, and so do callers of this library, so the tests check
with the tower enabled.
"""

from beartype import BeartypeConf, beartype

typechecker = beartype(conf=BeartypeConf(is_pep484_tower=True))
