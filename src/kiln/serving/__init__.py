"""The app served: Flask's dev server on the environment's database (``kiln serve``), or gunicorn
with the production settings, as the image runs it (``kiln serve --prod``)."""
