package dev.sparx.models.zoo;

import ai.djl.repository.zoo.ModelZoo;
import ai.djl.repository.zoo.ZooProvider;

/**
 * Registers the {@link SparXModelZoo} with DJL: listed in
 * {@code META-INF/services/ai.djl.repository.zoo.ZooProvider}, so that DJL's {@code ModelZoo} finds
 * it through {@code ServiceLoader} whenever sparx-models is on the class path.
 */
public final class SparXZooProvider implements ZooProvider {

    private static final SparXModelZoo ZOO = new SparXModelZoo();

    /** {@inheritDoc} */
    @Override
    public ModelZoo getModelZoo() {
        return ZOO;
    }
}
