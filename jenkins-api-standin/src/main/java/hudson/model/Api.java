package hudson.model;

/**
 * Stand-in of core's {@code Api} (its superclass AbstractModelObject left out): the remote API of a model
 * object, served at {@code .../api/json} from the bean's {@code @Exported} properties.
 */
public class Api {
    public final Object bean;

    public Api(Object bean) {
        this.bean = bean;
    }
}
