"""Methods as code: packages a team pushes and Arena runs in a sandbox (docs/METHODS.md)."""
