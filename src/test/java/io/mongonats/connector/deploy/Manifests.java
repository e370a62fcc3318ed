package io.mongonats.connector.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.StreamSupport;

/**
 * Reads the Kubernetes manifests under {@code k8s/} into fabric8's typed models, with no cluster.
 * Pure helpers: file reading is the only I/O.
 */
final class Manifests {

    private static final KubernetesSerialization KUBERNETES = new KubernetesSerialization();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final String MODEL_PACKAGE = "io.fabric8.kubernetes.api.model";

    private Manifests() {
    }

    /** The kustomization.yaml of a directory, as a tree. */
    static JsonNode kustomization(Path dir) {
        Path file = dir.resolve("kustomization.yaml");
        if (!Files.isRegularFile(file)) {
            throw new AssertionError(file + " is missing: `kubectl apply -k " + dir + "` needs it");
        }
        try {
            return YAML.readTree(file.toFile());
        } catch (IOException e) {
            throw new AssertionError(file + " is not valid YAML: " + e.getMessage(), e);
        }
    }

    /** The strings of a list field of a tree; empty when the field is absent. */
    static List<String> strings(JsonNode node, String field) {
        JsonNode list = node.path(field);
        return StreamSupport.stream(list.spliterator(), false).map(JsonNode::asText).toList();
    }

    /**
     * Every document of a YAML file, each unmarshalled into its typed model by apiVersion and kind
     * (kinds fabric8 does not know become {@link GenericKubernetesResource}).
     */
    static List<HasMetadata> load(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new AssertionError(file + " does not exist");
        }
        List<HasMetadata> resources = new ArrayList<>();
        try (MappingIterator<JsonNode> documents = YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
            int index = 0;
            while (documents.hasNext()) {
                JsonNode document = documents.next();
                index++;
                if (document == null || document.isNull() || document.isEmpty()) {
                    continue;
                }
                if (!document.hasNonNull("apiVersion") || !document.hasNonNull("kind")) {
                    throw new AssertionError(file + " document " + index + " has no apiVersion or kind");
                }
                Object parsed = KUBERNETES.unmarshal(document.toString());
                if (!(parsed instanceof HasMetadata resource)) {
                    throw new AssertionError(file + " document " + index + " is not a Kubernetes object: " + parsed);
                }
                resources.add(resource);
            }
        } catch (IOException e) {
            throw new AssertionError(file + " is not valid YAML: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new AssertionError(file + " does not parse into Kubernetes models: " + e.getMessage(), e);
        }
        if (resources.isEmpty()) {
            throw new AssertionError(file + " holds no Kubernetes object");
        }
        return resources;
    }

    /**
     * Fields the typed model did not recognise (typos such as {@code terminationGracePeriodSecond}),
     * as {@code path: [names]}. fabric8 keeps them in {@code additionalProperties} instead of
     * failing, and the API server would reject or drop them.
     */
    static List<String> unknownFields(HasMetadata resource) {
        List<String> found = new ArrayList<>();
        if (!(resource instanceof GenericKubernetesResource)) {
            walk(resource, resource.getKind(), found);
        }
        return found;
    }

    private static void walk(Object node, String path, List<String> found) {
        if (node == null) {
            return;
        }
        if (node instanceof Collection<?> list) {
            int i = 0;
            for (Object item : list) {
                walk(item, path + "[" + i++ + "]", found);
            }
            return;
        }
        if (node instanceof Map<?, ?> map) {
            map.forEach((key, value) -> walk(value, path + "[" + key + "]", found));
            return;
        }
        if (!node.getClass().getPackageName().startsWith(MODEL_PACKAGE)) {
            return;
        }
        for (Method getter : node.getClass().getMethods()) {
            if (!isModelGetter(getter)) {
                continue;
            }
            Object value = invoke(getter, node);
            if (getter.getName().equals("getAdditionalProperties")) {
                if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    found.add(path + ": " + extra.keySet());
                }
            } else {
                walk(value, path + "." + propertyName(getter), found);
            }
        }
    }

    private static boolean isModelGetter(Method method) {
        if (Modifier.isStatic(method.getModifiers()) || method.getParameterCount() != 0
                || !method.getName().startsWith("get")) {
            return false;
        }
        Class<?> type = method.getReturnType();
        return Collection.class.isAssignableFrom(type) || Map.class.isAssignableFrom(type)
                || type.getPackageName().startsWith(MODEL_PACKAGE);
    }

    private static Object invoke(Method getter, Object target) {
        try {
            return getter.invoke(target);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("cannot read " + getter, e);
        }
    }

    private static String propertyName(Method getter) {
        String name = getter.getName().substring(3);
        return name.isEmpty() ? name : Character.toLowerCase(name.charAt(0)) + name.substring(1);
    }

    /** Whether a label selector selects an object with these labels; an empty selector selects nothing here. */
    static boolean selects(LabelSelector selector, Map<String, String> labels) {
        if (selector == null) {
            return false;
        }
        Map<String, String> required = Optional.ofNullable(selector.getMatchLabels()).orElse(Map.of());
        List<LabelSelectorRequirement> expressions =
                Optional.ofNullable(selector.getMatchExpressions()).orElse(List.of());
        if (required.isEmpty() && expressions.isEmpty()) {
            return false;
        }
        return selects(required, labels) && expressions.stream().allMatch(e -> holds(e, labels));
    }

    /** Whether every label of an equality selector (a Service's) is on the object. */
    static boolean selects(Map<String, String> selector, Map<String, String> labels) {
        return selector != null && labels != null && labels.entrySet().containsAll(selector.entrySet());
    }

    private static boolean holds(LabelSelectorRequirement requirement, Map<String, String> labels) {
        String value = labels.get(requirement.getKey());
        Set<String> values = Set.copyOf(Optional.ofNullable(requirement.getValues()).orElse(List.of()));
        return switch (requirement.getOperator()) {
            case "In" -> value != null && values.contains(value);
            case "NotIn" -> value == null || !values.contains(value);
            case "Exists" -> value != null;
            case "DoesNotExist" -> value == null;
            default -> throw new AssertionError("unknown label selector operator " + requirement.getOperator());
        };
    }

    /** A file's text, or empty when it does not exist. */
    static Optional<String> readIfPresent(Path file) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
