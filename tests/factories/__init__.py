"""factory_boy factories, one module per app; organisations go through the real services."""
