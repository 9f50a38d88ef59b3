package dev.sparx.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.Batch;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.translate.NoopTranslator;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** The network works as a block of DJL's Model, Predictor and Trainer. */
class DjlIntegrationTest {

    @Test
    void predictsThroughAPredictorAsThroughForward() throws Exception {
        GoldenCase golden = new GoldenCase("tiny_b");
        try (Model model = Model.newInstance("tiny_b")) {
            SparXMamba net = golden.network(model.getNDManager());
            model.setBlock(net);
            try (Predictor<NDList, NDList> predictor = model.newPredictor(new NoopTranslator());
                    NDManager manager = NDManager.newBaseManager()) {
                NDArray input = golden.array("input.npy").toNDArray(manager);
                NDArray logits = predictor.predict(new NDList(input)).singletonOrThrow();
                double err = GoldenCase.relativeL2(logits, golden.array("logits.npy"));
                assertTrue(err < 2e-5, "relative L2 error " + err);
            }
        }
    }

    @Test
    void oneTrainerStepUpdatesWeightsAndRunningStatistics() throws IOException {
        SparXConfig config = new GoldenCase("tiny_b").config().toBuilder().optDropPathRate(0.1).build();
        try (Model model = Model.newInstance("tiny_b")) {
            model.setBlock(SparXMamba.builder().setConfig(config).build());
            DefaultTrainingConfig training =
                    new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                            .optOptimizer(Optimizer.sgd().setLearningRateTracker(Tracker.fixed(0.1f)).build());
            try (Trainer trainer = model.newTrainer(training); NDManager manager = NDManager.newBaseManager()) {
                Shape shape = new Shape(2, 3, 64, 64);
                trainer.initialize(shape);
                SparXMamba net = (SparXMamba) model.getBlock();
                NDArray weight = StateDictKeys.of(net).get("layers.3.blocks.0.op.out_proj.weight").getArray();
                float[] before = weight.toFloatArray();
                NDArray x = manager.randomNormal(shape);
                NDArray y = manager.create(new float[] {1, 7});
                try (Batch batch =
                        new Batch(trainer.getManager().newSubManager(), new NDList(x.duplicate()), new NDList(y), 2, null, null, 0, 1)) {
                    EasyTrain.trainBatch(trainer, batch);
                    trainer.step();
                }
                assertFalse(java.util.Arrays.equals(before, weight.toFloatArray()), "the optimiser moved the weights");
                NDArray tracked = StateDictKeys.of(net).get("patch_embed.1.num_batches_tracked").getArray();
                assertEquals(1L, tracked.getLong());
                float[] logits =
                        net.forward(new ParameterStore(manager, false), new NDList(x), false).head().toFloatArray();
                assertArrayEquals(new boolean[] {false, false}, new boolean[] {Float.isNaN(logits[0]),
                        Float.isNaN(logits[logits.length - 1])});
            }
        }
    }
}
