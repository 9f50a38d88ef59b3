package dev.sparx.examples.train;

import dev.sparx.core.SparxException;
import dev.sparx.core.checkpoint.Checkpoint;
import dev.sparx.core.checkpoint.Checkpoints;
import dev.sparx.core.checkpoint.PyTuple;
import dev.sparx.core.checkpoint.StateDict;
import dev.sparx.core.checkpoint.StoredTensor;
import dev.sparx.core.tensor.HostTensor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A training checkpoint in timm's layout, so that the authors' tools read it: {@code state_dict}
 * holds the model in the authors' state-dict layout (timm's {@code load_checkpoint}, and so their
 * {@code validate.py}, take it; a strict {@code model.load_state_dict(ckpt['state_dict'])} does
 * too), beside {@code epoch} (the last finished epoch, from 0, as timm counts), {@code arch},
 * {@code optimizer} (PyTorch's {@code AdamW.state_dict()} layout: {@code state} by parameter
 * index and two {@code param_groups}), {@code version}, {@code args}, {@code metric} (this
 * epoch's top-1) and {@code state_dict_ema}. What an exact resume needs beyond that sits under
 * {@code sparx_train}: the seed and step count that all random generators derive from (see
 * {@link TrainingRun}), the best top-1 so far and its epoch, and the parameter names in optimiser
 * order.
 *
 * @param arch model name
 * @param epochsDone epochs finished
 * @param step optimiser steps done
 * @param seed the run's seed
 * @param metric top-1 of the last finished epoch
 * @param bestTop1 best top-1 so far
 * @param bestEpoch epoch (from 1) of the best top-1
 * @param model the model's state dict
 * @param ema the EMA's state dict, or null without EMA
 * @param optimizer {@link AdamW#state()}
 * @param groups {@link AdamW#groups()}
 * @param lr the learning rate of the last step
 * @param args the command line's options, for the record
 */
public record TrainingCheckpoint(
        String arch,
        int epochsDone,
        long step,
        long seed,
        double metric,
        double bestTop1,
        int bestEpoch,
        StateDict model,
        StateDict ema,
        StateDict optimizer,
        List<AdamW.Group> groups,
        double lr,
        Map<String, Object> args) {

    /**
     * Writes the checkpoint atomically (a temporary file renamed over the target).
     *
     * @param file destination, e.g. {@code last.pth}
     */
    public void write(Path file) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("epoch", epochsDone - 1);
        root.put("arch", arch);
        root.put("state_dict", model);
        root.put("optimizer", optimizerTree());
        root.put("version", 2);
        root.put("args", args);
        root.put("metric", metric);
        if (ema != null) {
            root.put("state_dict_ema", ema);
        }
        Map<String, Object> resume = new LinkedHashMap<>();
        resume.put("step", step);
        resume.put("seed", seed);
        resume.put("best_top1", bestTop1);
        resume.put("best_epoch", bestEpoch);
        List<String> names = new ArrayList<>();
        groups.forEach(g -> names.addAll(g.names()));
        resume.put("param_names", names);
        root.put("sparx_train", resume);
        Checkpoints.write(file, root);
    }

    private Map<String, Object> optimizerTree() {
        Map<Object, Object> state = new LinkedHashMap<>();
        for (String key : optimizer.keys()) {
            String[] parts = key.split("\\.");
            @SuppressWarnings("unchecked")
            Map<String, Object> slot = (Map<String, Object>) state.computeIfAbsent(
                    Long.parseLong(parts[1]), k -> new LinkedHashMap<String, Object>());
            slot.put(parts[2], optimizer.get(key));
        }
        List<Object> paramGroups = new ArrayList<>();
        long index = 0;
        for (AdamW.Group g : groups) {
            Map<String, Object> group = new LinkedHashMap<>();
            group.put("lr", lr);
            group.put("betas", new PyTuple(List.of(TrainingOptions.BETA1, TrainingOptions.BETA2)));
            group.put("eps", TrainingOptions.EPS);
            group.put("weight_decay", g.weightDecay());
            group.put("amsgrad", false);
            group.put("maximize", false);
            group.put("foreach", null);
            group.put("capturable", false);
            group.put("differentiable", false);
            group.put("fused", null);
            List<Long> params = new ArrayList<>();
            for (int i = 0; i < g.names().size(); i++) {
                params.add(index++);
            }
            group.put("params", params);
            paramGroups.add(group);
        }
        return Map.of("state", state, "param_groups", paramGroups);
    }

    /**
     * Reads a checkpoint written by {@link #write(Path)}.
     *
     * @param file the checkpoint
     * @return its contents; {@code groups} hold the saved parameter names with the saved decays
     * @throws SparxException if it is not a training checkpoint of this project
     */
    public static TrainingCheckpoint read(Path file) {
        try (Checkpoint c = Checkpoints.open(file)) {
            Map<?, ?> root = map(c.root(), "the checkpoint", file);
            Map<?, ?> resume = map(root.get("sparx_train"), "'sparx_train'", file);
            Map<?, ?> opt = map(root.get("optimizer"), "'optimizer'", file);
            StateDict optimizer = new StateDict();
            for (Map.Entry<?, ?> e : map(opt.get("state"), "'optimizer.state'", file).entrySet()) {
                for (Map.Entry<?, ?> f : map(e.getValue(), "an optimizer state entry", file).entrySet()) {
                    optimizer.put("state." + e.getKey() + "." + f.getKey(), ((StoredTensor) f.getValue()).load());
                }
            }
            List<?> names = (List<?>) resume.get("param_names");
            List<AdamW.Group> groups = new ArrayList<>();
            int at = 0;
            for (Object g : (List<?>) opt.get("param_groups")) {
                Map<?, ?> group = map(g, "a parameter group", file);
                int n = ((List<?>) group.get("params")).size();
                groups.add(new AdamW.Group(((Number) group.get("weight_decay")).doubleValue(),
                        names.subList(at, at + n).stream().map(Object::toString).toList()));
                at += n;
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> args = (Map<String, Object>) root.get("args");
            return new TrainingCheckpoint(
                    (String) root.get("arch"),
                    ((Number) root.get("epoch")).intValue() + 1,
                    ((Number) resume.get("step")).longValue(),
                    ((Number) resume.get("seed")).longValue(),
                    ((Number) root.get("metric")).doubleValue(),
                    ((Number) resume.get("best_top1")).doubleValue(),
                    ((Number) resume.get("best_epoch")).intValue(),
                    stateDict(root.get("state_dict"), "'state_dict'", file),
                    root.containsKey("state_dict_ema") ? stateDict(root.get("state_dict_ema"), "'state_dict_ema'", file)
                            : null,
                    optimizer,
                    groups,
                    ((Number) map(((List<?>) opt.get("param_groups")).get(0), "a parameter group", file).get("lr"))
                            .doubleValue(),
                    args);
        } catch (ClassCastException | NullPointerException | IndexOutOfBoundsException e) {
            throw new SparxException(
                    "checkpoint " + file + " is not a training checkpoint written by 'sparx finetune' (" + e + ")", e);
        }
    }

    private static Map<?, ?> map(Object o, String what, Path file) {
        if (o instanceof Map<?, ?> m) {
            return m;
        }
        throw new SparxException(
                "checkpoint " + file + " is not a training checkpoint written by 'sparx finetune': " + what
                        + " is not a dict (resume needs last.pth or best.pth of a finetune run)");
    }

    private static StateDict stateDict(Object o, String what, Path file) {
        StateDict sd = new StateDict();
        for (Map.Entry<?, ?> e : map(o, what, file).entrySet()) {
            HostTensor t = ((StoredTensor) e.getValue()).load();
            sd.put((String) e.getKey(), t);
        }
        return sd;
    }
}
