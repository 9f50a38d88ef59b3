package dev.sparx.examples.train;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.initializer.NormalInitializer;

/** Small convolutional nets standing in for SparX in fast tests of the training machinery. */
final class TinyNets {

    private TinyNets() {}

    /**
     * Conv 3x3 (3 -> 4) with bias, BatchNorm, GELU, global average pool, Linear (4 -> classes).
     *
     * @param manager owner of the parameters
     * @param classes K
     * @param side input height and width
     * @return an initialised model taking (B, 3, side, side)
     */
    static TrainableModel convNet(NDManager manager, int classes, int side) {
        SequentialBlock net = new SequentialBlock();
        net.add(Conv2d.builder().setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1)).setFilters(4).build());
        net.add(BatchNorm.builder().build());
        net.add(Activation::gelu);
        net.add(Pool.globalAvgPool2dBlock());
        net.add(Blocks.batchFlattenBlock());
        net.add(Linear.builder().setUnits(classes).build());
        net.setInitializer(new NormalInitializer(0.5f), ai.djl.nn.Parameter.Type.WEIGHT);
        net.initialize(manager, DataType.FLOAT32, new Shape(1, 3, side, side));
        return TrainableModel.withDjlNames(net);
    }
}
