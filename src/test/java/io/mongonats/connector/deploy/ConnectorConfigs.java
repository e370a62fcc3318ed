package io.mongonats.connector.deploy;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.mongonats.connector.config.ConnectorConfig;
import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

import java.io.IOException;
import java.io.StringReader;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * Builds the real {@link ConnectorConfig} mapping from what the manifests give a pod, with no Quarkus
 * runtime. {@code addDiscoveredConverters()} brings in the converters quarkus-core registers, as
 * Quarkus does at run time: without them a Duration only accepts ISO-8601 ({@code PT10S}), not the
 * {@code 10s} form the mapping's own defaults use.
 */
final class ConnectorConfigs {

    private ConnectorConfigs() {
    }

    /** The ConfigMap's properties alone, with a stand-in MongoDB URI (that one comes from a Secret). */
    static ConnectorConfig configMapOnly(Properties configMap) {
        return new SmallRyeConfigBuilder()
                .addDiscoveredConverters()
                .withMapping(ConnectorConfig.class)
                .withSources(new PropertiesConfigSource(configMap, "configmap", 500))
                .withDefaultValue("connector.mongo.uri", "mongodb://placeholder")
                .build()
                .getConfigMapping(ConnectorConfig.class);
    }

    /**
     * The configuration a pod sees, in Quarkus' order and prod profile: the packaged
     * application.properties (250, when there is one), config/application.properties from the
     * ConfigMap (260), the container's env (300).
     */
    static SmallRyeConfig pod(Optional<Properties> packaged, Properties configMap, Map<String, String> env) {
        SmallRyeConfigBuilder builder = new SmallRyeConfigBuilder()
                .withProfile("prod")
                .addDiscoveredConverters()
                .withMapping(ConnectorConfig.class)
                .withSources(new PropertiesConfigSource(configMap, "ConfigMap", 260))
                .withSources(new EnvConfigSource(env, 300));
        packaged.ifPresent(p -> builder.withSources(new PropertiesConfigSource(p, "application.properties", 250)));
        return builder.build();
    }

    /**
     * Container env with references replaced by stand-ins: {@code metadata.name} by the pod name,
     * a secretKeyRef by {@link #secretPlaceholder}, anything else by its kind.
     */
    static Map<String, String> env(List<EnvVar> vars, String podName) {
        Map<String, String> env = new HashMap<>();
        for (EnvVar var : Optional.ofNullable(vars).orElse(List.of())) {
            env.put(var.getName(), resolve(var, podName));
        }
        return env;
    }

    private static String resolve(EnvVar var, String podName) {
        var from = var.getValueFrom();
        if (from == null) {
            return Optional.ofNullable(var.getValue()).orElse("");
        }
        if (from.getFieldRef() != null) {
            return "metadata.name".equals(from.getFieldRef().getFieldPath()) ? podName : "fieldRef";
        }
        if (from.getSecretKeyRef() != null) {
            return secretPlaceholder(from.getSecretKeyRef().getName(), from.getSecretKeyRef().getKey());
        }
        return "reference";
    }

    static String secretPlaceholder(String secret, String key) {
        return "secret:" + secret + "/" + key;
    }

    static Properties properties(String text) {
        Properties properties = new Properties();
        try {
            properties.load(new StringReader(text));
        } catch (IOException e) {
            throw new AssertionError("not a properties file: " + e.getMessage(), e);
        }
        return properties;
    }
}
