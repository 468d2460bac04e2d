/**
 * Tether's topics as typed descriptors: {@link io.tether.schemas.topic.TetherTopics} creates a
 * {@link io.tether.schemas.topic.TopicDescriptor} (name, key serde, value serde) for every input and output topic
 * from one config map, and {@link io.tether.schemas.topic.EventType} maps an event class to its topic, header,
 * key and timestamp.
 */
package io.tether.schemas.topic;
