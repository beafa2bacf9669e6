package dev.crawlocr.common.message;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.Module;
import com.fasterxml.jackson.databind.deser.SettableBeanProperty;
import com.fasterxml.jackson.databind.deser.ValueInstantiator;
import com.fasterxml.jackson.databind.deser.impl.PropertyValueBuffer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;

/**
 * Fills the fields a JSON object leaves out of a record that declares {@code public static R defaults()} with that
 * instance's values, wherever the record stands in a message: {@code "politeness":{"minDelayMs":0}} keeps every
 * other {@link Politeness} field at its default. Records without {@code defaults()} (those with required fields)
 * are left to Jackson, which passes null, 0 or false for an absent field; their compact constructors turn that
 * into the default or reject it, naming the field.
 */
final class RecordDefaults extends ValueInstantiator.Delegating {

    /** Component values of the defaults instance, by component (= creator parameter) index. */
    private final Object[] defaults;

    private RecordDefaults(ValueInstantiator delegate, Object[] defaults) {
        super(delegate);
        this.defaults = defaults;
    }

    /** The Jackson module that installs this for every record type with {@code defaults()}. */
    static Module module() {
        return new SimpleModule("RecordDefaults") {
            @Override
            public void setupModule(SetupContext context) {
                super.setupModule(context);
                context.addValueInstantiators((config, description, instantiator) -> wrap(description.getBeanClass(), instantiator));
            }
        };
    }

    private static ValueInstantiator wrap(Class<?> type, ValueInstantiator instantiator) {
        Object instance = defaultsOf(type);
        if (instance == null) {
            return instantiator;
        }
        RecordComponent[] components = type.getRecordComponents();
        Object[] values = new Object[components.length];
        for (int i = 0; i < components.length; i++) {
            values[i] = invoke(components[i].getAccessor(), instance);
        }
        return new RecordDefaults(instantiator, values);
    }

    /** {@code type.defaults()} when {@code type} is a record declaring it, else null. */
    static Object defaultsOf(Class<?> type) {
        if (!type.isRecord()) {
            return null;
        }
        try {
            Method factory = type.getMethod("defaults");
            return Modifier.isStatic(factory.getModifiers()) && factory.getReturnType() == type ? invoke(factory, null) : null;
        } catch (NoSuchMethodException e) {
            return null;
        }
    }

    private static Object invoke(Method method, Object target) {
        try {
            return method.invoke(target);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("Cannot read the defaults of " + method.getDeclaringClass().getSimpleName(), e);
        }
    }

    @Override
    public ValueInstantiator createContextual(DeserializationContext ctxt, BeanDescription description) throws JsonMappingException {
        ValueInstantiator contextual = delegate().createContextual(ctxt, description);
        return contextual == delegate() ? this : new RecordDefaults(contextual, defaults);
    }

    @Override
    public Object createFromObjectWith(DeserializationContext ctxt, SettableBeanProperty[] props, PropertyValueBuffer buffer) throws IOException {
        Object[] args = buffer.getParameters(props);
        for (SettableBeanProperty prop : props) {
            if (!buffer.hasParameter(prop)) {
                args[prop.getCreatorIndex()] = defaults[prop.getCreatorIndex()];
            }
        }
        return delegate().createFromObjectWith(ctxt, args);
    }
}
