"""danvan-eval (public API re-exports are added once every module has landed)."""
