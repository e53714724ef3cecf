"""Example stacks. ``stacks.registry.STACKS`` lists every stack that ``main.py`` synthesizes."""
