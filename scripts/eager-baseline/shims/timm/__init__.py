"""Stand-ins for the three timm names the authors' model file imports, so that it loads without timm."""
